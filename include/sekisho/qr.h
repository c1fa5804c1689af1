/*
 * sekisho/qr.h - QR codes for authenticator enrollment (host library:
 * libqrencode).  Not part of the embeddable core.
 */
#ifndef SEKISHO_QR_H
#define SEKISHO_QR_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Renders text as a QR code (error correction level M) in a self-contained
 * SVG element with a 4-module quiet zone, suitable for inlining in HTML.
 * Returns a string the caller frees with free(), or NULL on failure.
 */
char *sk_qr_svg(const char *text);

/*
 * Renders text as a QR code in UTF-8 half-block characters (two modules per
 * character cell), dark on light, with a quiet zone, ending in '\n'.  When
 * invert is nonzero the colours are swapped for dark-on-light terminals.
 * Returns a string the caller frees with free(), or NULL on failure.
 */
char *sk_qr_utf8(const char *text, int invert);

#ifdef __cplusplus
}
#endif
#endif
