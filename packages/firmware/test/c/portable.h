/* Portable kernels the harness tests run on every target: integer and float32 results must agree bit for bit. */
#ifndef PORTABLE_H
#define PORTABLE_H

#include <stdint.h>

int32_t portable_dot_i8(const int8_t *a, const int8_t *b, int n);
float portable_dense_f32(const float *w, const float *x, int n, float bias);

#endif
