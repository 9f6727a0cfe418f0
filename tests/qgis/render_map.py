#!/usr/bin/python3
"""Renders an `nabolag export` folder's nabolag.qgs to a PNG map with a legend.

usage: render_map.py DIR PNG [TITLE]   (default title: the project's)

Opens DIR/nabolag.qgs headless (QT_QPA_PLATFORM=offscreen), lays out the
layers that are visible when the project opens (alerts, plans, areas) in
their project styles on an A4-landscape page: the map at the project's
initial view, a legend of the classes that occur on the map, a title and a
scale bar; writes PNG at 110 dpi. This is how docs/map.png is made (see
docs/outputs.md). Exits 1 when the render looks blank.

Also importable: render(project, png, title) for check_qgis.py.
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (QgsApplication, QgsProject, QgsPrintLayout,  # noqa
                       QgsLayoutItemMap, QgsLayoutItemLegend,
                       QgsLayoutItemLabel, QgsLayoutItemScaleBar,
                       QgsLayoutPoint, QgsLayoutSize, QgsUnitTypes,
                       QgsLayoutExporter, QgsRectangle, QgsLegendStyle,
                       QgsLayerTree, QgsTextFormat)
from qgis.PyQt.QtGui import QFont, QImage, QColor  # noqa

DPI = 110


def _font(size, bold=False):
    f = QFont("Sans Serif")
    f.setPointSizeF(size)
    f.setBold(bold)
    return f


def render(project, png, title=None):
    """Renders project to png; returns a list of problems (empty: ok)."""
    title = title or project.title()
    root = project.layerTreeRoot()
    visible = [lt.layer() for lt in root.findLayers()
               if lt.isVisible() and lt.layer() is not None]
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()  # one A4 landscape page (297 x 210 mm)
    mm = QgsUnitTypes.LayoutMillimeters

    if title:
        t = QgsLayoutItemLabel(layout)
        t.setText(title)
        t.setFont(_font(15, True))
        t.attemptMove(QgsLayoutPoint(8, 5, mm))
        t.attemptResize(QgsLayoutSize(280, 10, mm))
        layout.addLayoutItem(t)

    m = QgsLayoutItemMap(layout)
    m.setRect(0, 0, 10, 10)
    layout.addLayoutItem(m)
    m.attemptMove(QgsLayoutPoint(6, 16, mm))
    m.attemptResize(QgsLayoutSize(205, 188, mm))
    m.setLayers(visible)
    m.setKeepLayerSet(True)
    m.setCrs(project.crs())
    m.setFrameEnabled(True)
    ext = QgsRectangle(project.viewSettings().defaultViewExtent())
    m.zoomToExtent(ext)

    leg = QgsLayoutItemLegend(layout)
    leg.setLinkedMap(m)
    leg.setTitle("Signaturforklaring")
    leg.setLegendFilterByMapEnabled(True)  # only classes on the map
    leg.setAutoUpdateModel(False)
    tree = QgsLayerTree()  # the visible layers only, in project order
    for lyr in visible:
        tree.addLayer(lyr)
    leg.model().setRootGroup(tree)
    for s, size, bold in ((QgsLegendStyle.Title, 11, True),
                          (QgsLegendStyle.Subgroup, 9.5, True),
                          (QgsLegendStyle.SymbolLabel, 8.5, False)):
        leg.rstyle(s).setFont(_font(size, bold))
    leg.setSymbolWidth(6)
    leg.setSymbolHeight(4)
    leg.setWrapString("\n")
    leg.attemptMove(QgsLayoutPoint(215, 16, mm))
    leg.setResizeToContents(True)
    layout.addLayoutItem(leg)
    leg.adjustBoxSize()
    leg.refresh()

    sb = QgsLayoutItemScaleBar(layout)
    sb.setStyle("Single Box")
    sb.setLinkedMap(m)
    sb.applyDefaultSize()
    sb.setUnits(QgsUnitTypes.DistanceKilometers)
    sb.setUnitLabel("km")
    sb.setNumberOfSegments(2)
    sb.setNumberOfSegmentsLeft(0)
    sb.setUnitsPerSegment(0.5)
    tf = QgsTextFormat()
    tf.setFont(_font(8))
    tf.setSize(8)
    sb.setTextFormat(tf)
    sb.attemptMove(QgsLayoutPoint(215, 190, mm))
    layout.addLayoutItem(sb)

    exporter = QgsLayoutExporter(layout)
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = DPI
    res = exporter.exportToImage(png, settings)
    problems = []
    if res != QgsLayoutExporter.Success:
        problems.append("render: cannot write %s (%s)" % (png, res))
        return problems
    img = QImage(png)
    colours = set()
    nonwhite = total = 0
    for y in range(0, img.height(), 4):
        for x in range(0, img.width(), 4):
            c = img.pixel(x, y)
            colours.add(c)
            total += 1
            if c & 0xFFFFFF != 0xFFFFFF:
                nonwhite += 1
    if len(colours) < 5 or nonwhite < total * 0.05:
        problems.append("render: %s looks blank (%d colours, %d of %d "
                        "pixels not white)" % (png, len(colours), nonwhite,
                                               total))
    del tree
    return problems


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    d, png = sys.argv[1], sys.argv[2]
    title = sys.argv[3] if len(sys.argv) > 3 else None
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    if not project.read(os.path.join(d, "nabolag.qgs")):
        print("FAIL: nabolag.qgs: cannot read: " + project.error())
        sys.exit(1)
    problems = render(project, png, title)
    project.clear()
    app.exitQgis()
    for p in problems:
        print("FAIL: " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
