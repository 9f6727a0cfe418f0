# What `cmake --install` puts where (GNU layout; a .deb through CPack):
#   bin/nabolag                                the program
#   lib/libnabolag.so.0 (+ .so, .a)            the library
#   include/nabolag/*.h                        its public headers
#   lib/pkgconfig/nabolag.pc                   pkg-config
#   lib/cmake/nabolag/                         find_package(nabolag)
#   share/man/man1/nabolag*.1                  man pages (from --help)
#   share/bash-completion/completions/nabolag  bash completion
#   share/doc/nabolag/                         README, docs, examples
#   share/nabolag/sample-data/                 the sample project
include(CMakePackageConfigHelpers)

install(TARGETS nabolag_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS nabolag_shared EXPORT nabolagTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS nabolag ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY "${CMAKE_SOURCE_DIR}/include/nabolag"
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

file(RELATIVE_PATH NBL_PC_UP "/root/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/root")
configure_file(cmake/nabolag.pc.in "${CMAKE_BINARY_DIR}/nabolag.pc" @ONLY)
install(FILES "${CMAKE_BINARY_DIR}/nabolag.pc"
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

set(NBL_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/nabolag)
install(EXPORT nabolagTargets NAMESPACE nabolag:: DESTINATION ${NBL_CMAKE_DIR})
configure_package_config_file(cmake/nabolagConfig.cmake.in
    "${CMAKE_BINARY_DIR}/nabolagConfig.cmake" INSTALL_DESTINATION ${NBL_CMAKE_DIR})
write_basic_package_version_file("${CMAKE_BINARY_DIR}/nabolagConfigVersion.cmake"
    COMPATIBILITY SameMinorVersion)
install(FILES "${CMAKE_BINARY_DIR}/nabolagConfig.cmake"
              "${CMAKE_BINARY_DIR}/nabolagConfigVersion.cmake"
        DESTINATION ${NBL_CMAKE_DIR})

# Man pages: written from the built program's --help (cmake/manpages.py),
# so the page and the help cannot disagree.
find_program(NBL_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT NBL_PYTHON3)
    find_program(NBL_PYTHON3 python3 REQUIRED)
endif()
add_custom_command(
    OUTPUT "${CMAKE_BINARY_DIR}/man/pages.txt"
    COMMAND ${NBL_PYTHON3} "${CMAKE_SOURCE_DIR}/cmake/manpages.py"
            $<TARGET_FILE:nabolag_cli> "${CMAKE_BINARY_DIR}/man" ${PROJECT_VERSION}
    DEPENDS nabolag_cli "${CMAKE_SOURCE_DIR}/cmake/manpages.py"
    COMMENT "Writing man pages from --help"
    VERBATIM)
add_custom_target(nabolag_man ALL DEPENDS "${CMAKE_BINARY_DIR}/man/pages.txt")
install(DIRECTORY "${CMAKE_BINARY_DIR}/man/"
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 FILES_MATCHING PATTERN "*.1")

install(FILES "${CMAKE_SOURCE_DIR}/contrib/bash-completion/nabolag"
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY "${CMAKE_SOURCE_DIR}/docs/"
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
install(DIRECTORY "${CMAKE_SOURCE_DIR}/contrib/systemd"
                  "${CMAKE_SOURCE_DIR}/contrib/cron"
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(DIRECTORY "${CMAKE_SOURCE_DIR}/sample-data/"
        DESTINATION ${CMAKE_INSTALL_DATADIR}/nabolag/sample-data
        PATTERN "out" EXCLUDE)

# A Debian package: `cpack -G DEB` in the build folder. Its dependencies are
# computed by dpkg-shlibdeps from the libraries the binary links.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME nabolag)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "nabolag developers <nabolag@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "monitoring of housing areas: statutory criteria, profiles, alerts, GIS layers")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
