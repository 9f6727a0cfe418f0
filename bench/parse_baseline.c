/*
 * parse_baseline.c - the raw libcsv parse of a file: fread in 1 MiB chunks,
 * csv_parse with callbacks that only count fields and rows. This is the
 * floor `nabolag import incidents` is measured against
 * (bench/run_incidents.sh). Build: cc -O2 -o parse_baseline parse_baseline.c
 * -lcsv
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct counts {
    size_t fields, rows, bytes;
};

static void
on_field(void *s, size_t len, void *arg)
{
    struct counts *c = arg;
    (void)s;
    c->fields++;
    c->bytes += len;
}

static void
on_row(int ch, void *arg)
{
    (void)ch;
    ((struct counts *)arg)->rows++;
}

int
main(int argc, char **argv)
{
    static char buf[1 << 20];
    struct csv_parser p;
    struct counts c = {0, 0, 0};
    struct timespec t0, t1;
    size_t n;
    FILE *f;

    if (argc != 2) {
        fprintf(stderr, "usage: parse_baseline FILE.csv\n");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    f = fopen(argv[1], "rb");
    if (!f || csv_init(&p, CSV_APPEND_NULL) != 0) {
        perror(argv[1]);
        return 1;
    }
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (csv_parse(&p, buf, n, on_field, on_row, &c) != n) {
            fprintf(stderr, "%s: %s\n", argv[1], csv_strerror(csv_error(&p)));
            return 1;
        }
    csv_fini(&p, on_field, on_row, &c);
    csv_free(&p);
    fclose(f);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("rows %zu fields %zu seconds %.3f\n", c.rows, c.fields,
           (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
