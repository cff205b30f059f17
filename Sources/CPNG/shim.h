#ifndef CV_PNG_SHIM_H
#define CV_PNG_SHIM_H
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

/* libpng's row-by-row reading API from memory, for Swift. libpng reports errors by longjmp, which must not cross
 * Swift frames: every function below that calls into libpng sets its own setjmp first, so an error returns 0 from
 * that function (with the message in `message`) and never unwinds into its Swift caller. Functions that call
 * setjmp are never inlined (LLVM refuses to inline a callee that calls a returns-twice function), so no Swift frame
 * lies between a setjmp and its longjmp. After a 0, only cv_png_destroy may be called. */

typedef struct {
    png_structp png;
    png_infop info;
    const unsigned char *data;
    size_t size;
    size_t offset;
    char message[160];
} cv_png_reader;

static inline void cv_png_on_error(png_structp png, png_const_charp text) {
    cv_png_reader *reader = (cv_png_reader *)png_get_error_ptr(png);
    snprintf(reader->message, sizeof reader->message, "%s", text ? text : "unknown error");
    png_longjmp(png, 1);
}

/* Warnings (a bad ancillary chunk's CRC, extra compressed data) do not make a file unreadable: ignored. */
static inline void cv_png_on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static inline void cv_png_read_data(png_structp png, png_bytep out, size_t length) {
    cv_png_reader *reader = (cv_png_reader *)png_get_io_ptr(png);
    if (length > reader->size - reader->offset) png_error(png, "read beyond end of data");
    memcpy(out, reader->data + reader->offset, length);
    reader->offset += length;
}

/* Starts reading `size` bytes at `data` (which must outlive the reader) and reads the chunks before the image data.
 * 1 on success; 0 with `message` set. Call cv_png_destroy in either case. */
static inline int cv_png_begin(cv_png_reader *reader, const unsigned char *data, size_t size) {
    memset(reader, 0, sizeof *reader);
    reader->data = data;
    reader->size = size;
    reader->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, reader, cv_png_on_error, cv_png_on_warning);
    if (!reader->png) {
        snprintf(reader->message, sizeof reader->message, "out of memory");
        return 0;
    }
    reader->info = png_create_info_struct(reader->png);
    if (!reader->info) {
        snprintf(reader->message, sizeof reader->message, "out of memory");
        return 0;
    }
    if (setjmp(png_jmpbuf(reader->png))) return 0;
    png_set_read_fn(reader->png, reader, cv_png_read_data);
    png_read_info(reader->png, reader->info);
    return 1;
}

/* Sets the transforms that give 8- or 16-bit gray, gray+alpha, RGB or RGBA samples (palettes and low bit depths
 * expanded, tRNS turned into alpha; no gamma or colour conversion) and starts the image data. Interlace handling is
 * off: an Adam7 file's passes come as rows of their own. Writes the samples a pixel has (1–4), their bit depth (8 or
 * 16) and whether the file is interlaced. 1 on success; 0 with `message` set. */
static inline int cv_png_start(cv_png_reader *reader, int *channels, int *depth, int *interlaced) {
    if (setjmp(png_jmpbuf(reader->png))) return 0;
    png_structp png = reader->png;
    png_infop info = reader->info;
    int colorType = png_get_color_type(png, info);
    if (colorType == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (colorType == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    *interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
    png_read_update_info(png, info);
    *channels = png_get_channels(png, info);
    *depth = png_get_bit_depth(png, info);
    return 1;
}

/* Reads the next row (of the image, or of the current Adam7 pass) into `row`. 1 on success; 0 with `message` set. */
static inline int cv_png_read_row(cv_png_reader *reader, unsigned char *row) {
    if (setjmp(png_jmpbuf(reader->png))) return 0;
    png_read_row(reader->png, row, NULL);
    return 1;
}

/* Reads the rest of the file through IEND, checking each chunk. 1 on success; 0 with `message` set. */
static inline int cv_png_finish(cv_png_reader *reader) {
    if (setjmp(png_jmpbuf(reader->png))) return 0;
    png_read_end(reader->png, NULL);
    return 1;
}

static inline void cv_png_destroy(cv_png_reader *reader) {
    if (reader->png) png_destroy_read_struct(&reader->png, reader->info ? &reader->info : NULL, NULL);
    reader->png = NULL;
    reader->info = NULL;
}

#endif
