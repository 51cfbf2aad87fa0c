#include "portable.h"

int32_t portable_dot_i8(const int8_t *a, const int8_t *b, int n) {
  int32_t sum = 0;
  for (int i = 0; i < n; i++) sum += (int32_t)a[i] * (int32_t)b[i];
  return sum;
}

float portable_dense_f32(const float *w, const float *x, int n, float bias) {
  float sum = bias;
  for (int i = 0; i < n; i++) sum += w[i] * x[i];
  return sum / (1.0f + (sum < 0.0f ? -sum : sum));
}
