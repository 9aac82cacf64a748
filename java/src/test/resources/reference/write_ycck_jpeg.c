/* Writes a YCCK JPEG (Adobe transform 2), which Pillow cannot write itself, for
 * make_image_mode_cases.py: reads WIDTH HEIGHT from argv and WIDTH*HEIGHT*4 CMYK bytes,
 * stored the Adobe way (inverted), from stdin; writes the JPEG to stdout.
 * Build: gcc write_ycck_jpeg.c -ljpeg (Debian: libjpeg62-turbo-dev). */
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s WIDTH HEIGHT < cmyk > out.jpg\n", argv[0]);
        return 2;
    }
    int width = atoi(argv[1]), height = atoi(argv[2]);
    size_t size = (size_t)width * height * 4;
    unsigned char *pixels = malloc(size);
    if (pixels == NULL || fread(pixels, 1, size, stdin) != size) {
        fprintf(stderr, "expected %zu bytes of CMYK on stdin\n", size);
        return 1;
    }
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, stdout);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = 4;
    cinfo.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&cinfo);
    jpeg_set_colorspace(&cinfo, JCS_YCCK);  /* also writes the Adobe marker, transform 2 */
    jpeg_set_quality(&cinfo, 90, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = pixels + (size_t)cinfo.next_scanline * width * 4;
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    free(pixels);
    return 0;
}
