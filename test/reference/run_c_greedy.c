// A C transcription of llama2.c run.c's transformer() (float32, the same loops and order of operations), used
// to produce RUN_C_GREEDY_FROM_BOS in test/unit/model/generation.test.ts. Greedy decoding from BOS (id 1).
// Build and run: see test/reference/README.md.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { int dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len; } Config;

static float *tok, *rms_att, *wq, *wk, *wv, *wo, *rms_ffn, *w1, *w2, *w3, *rms_final, *wcls;

static void rmsnorm(float *o, const float *x, const float *w, int n) {
  float ss = 0.0f;
  for (int j = 0; j < n; j++) ss += x[j] * x[j];
  ss /= n;
  ss += 1e-5f;
  ss = 1.0f / sqrtf(ss);
  for (int j = 0; j < n; j++) o[j] = w[j] * (ss * x[j]);
}

static void softmax(float *x, int n) {
  float max = x[0];
  for (int i = 1; i < n; i++) if (x[i] > max) max = x[i];
  float sum = 0.0f;
  for (int i = 0; i < n; i++) { x[i] = expf(x[i] - max); sum += x[i]; }
  for (int i = 0; i < n; i++) x[i] /= sum;
}

static void matmul(float *xout, const float *x, const float *w, int n, int d) {
  for (int i = 0; i < d; i++) {
    float val = 0.0f;
    for (int j = 0; j < n; j++) val += w[i * n + j] * x[j];
    xout[i] = val;
  }
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: %s stories260K.bin [steps]\n", argv[0]); return 2; }
  int steps = argc > 2 ? atoi(argv[2]) : 40;
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 1; }
  Config p;
  if (fread(&p, sizeof(Config), 1, f) != 1) return 1;
  int shared = p.vocab_size > 0;
  p.vocab_size = abs(p.vocab_size);
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, sizeof(Config), SEEK_SET);
  float *data = malloc(size);
  size_t count = (size - sizeof(Config)) / sizeof(float);
  if (fread(data, sizeof(float), count, f) != count) return 1;
  fclose(f);
  int head_size = p.dim / p.n_heads, kv_dim = p.dim * p.n_kv_heads / p.n_heads, kv_mul = p.n_heads / p.n_kv_heads;
  long L = p.n_layers;
  float *ptr = data;
  tok = ptr; ptr += (long)p.vocab_size * p.dim;
  rms_att = ptr; ptr += L * p.dim;
  wq = ptr; ptr += L * p.dim * (p.n_heads * head_size);
  wk = ptr; ptr += L * p.dim * (p.n_kv_heads * head_size);
  wv = ptr; ptr += L * p.dim * (p.n_kv_heads * head_size);
  wo = ptr; ptr += L * (p.n_heads * head_size) * p.dim;
  rms_ffn = ptr; ptr += L * p.dim;
  w1 = ptr; ptr += L * p.dim * p.hidden_dim;
  w2 = ptr; ptr += L * p.hidden_dim * p.dim;
  w3 = ptr; ptr += L * p.dim * p.hidden_dim;
  rms_final = ptr; ptr += p.dim;
  ptr += p.seq_len * head_size / 2; /* freq_cis_real (unused) */
  ptr += p.seq_len * head_size / 2; /* freq_cis_imag (unused) */
  wcls = shared ? tok : ptr;

  float *x = calloc(p.dim, 4), *xb = calloc(p.dim, 4), *xb2 = calloc(p.dim, 4), *hb = calloc(p.hidden_dim, 4), *hb2 = calloc(p.hidden_dim, 4);
  float *q = calloc(p.dim, 4), *att = calloc((long)p.n_heads * p.seq_len, 4), *logits = calloc(p.vocab_size, 4);
  float *key_cache = calloc(L * p.seq_len * kv_dim, 4), *value_cache = calloc(L * p.seq_len * kv_dim, 4);

  int token = 1;
  for (int pos = 0; pos < steps; pos++) {
    memcpy(x, tok + (long)token * p.dim, p.dim * sizeof(float));
    for (long l = 0; l < L; l++) {
      rmsnorm(xb, x, rms_att + l * p.dim, p.dim);
      long loff = l * p.seq_len * kv_dim;
      float *k = key_cache + loff + pos * kv_dim, *v = value_cache + loff + pos * kv_dim;
      matmul(q, xb, wq + l * p.dim * p.dim, p.dim, p.dim);
      matmul(k, xb, wk + l * p.dim * kv_dim, p.dim, kv_dim);
      matmul(v, xb, wv + l * p.dim * kv_dim, p.dim, kv_dim);
      for (int i = 0; i < p.dim; i += 2) {
        int head_dim = i % head_size;
        float freq = 1.0f / powf(10000.0f, head_dim / (float)head_size);
        float val = pos * freq, fcr = cosf(val), fci = sinf(val);
        int rotn = i < kv_dim ? 2 : 1;
        for (int vi = 0; vi < rotn; vi++) {
          float *vec = vi == 0 ? q : k;
          float v0 = vec[i], v1 = vec[i + 1];
          vec[i] = v0 * fcr - v1 * fci;
          vec[i + 1] = v0 * fci + v1 * fcr;
        }
      }
      for (int h = 0; h < p.n_heads; h++) {
        float *qh = q + h * head_size, *a = att + h * p.seq_len;
        for (int t = 0; t <= pos; t++) {
          float *kt = key_cache + loff + t * kv_dim + (h / kv_mul) * head_size;
          float score = 0.0f;
          for (int i = 0; i < head_size; i++) score += qh[i] * kt[i];
          a[t] = score / sqrtf(head_size);
        }
        softmax(a, pos + 1);
        float *out = xb + h * head_size;
        memset(out, 0, head_size * sizeof(float));
        for (int t = 0; t <= pos; t++) {
          float *vt = value_cache + loff + t * kv_dim + (h / kv_mul) * head_size;
          for (int i = 0; i < head_size; i++) out[i] += a[t] * vt[i];
        }
      }
      matmul(xb2, xb, wo + l * p.dim * p.dim, p.dim, p.dim);
      for (int i = 0; i < p.dim; i++) x[i] += xb2[i];
      rmsnorm(xb, x, rms_ffn + l * p.dim, p.dim);
      matmul(hb, xb, w1 + l * p.dim * p.hidden_dim, p.dim, p.hidden_dim);
      matmul(hb2, xb, w3 + l * p.dim * p.hidden_dim, p.dim, p.hidden_dim);
      for (int i = 0; i < p.hidden_dim; i++) {
        float val = hb[i];
        val *= 1.0f / (1.0f + expf(-val));
        hb[i] = val * hb2[i];
      }
      matmul(xb, hb, w2 + l * p.dim * p.hidden_dim, p.hidden_dim, p.dim);
      for (int i = 0; i < p.dim; i++) x[i] += xb[i];
    }
    rmsnorm(x, x, rms_final, p.dim);
    matmul(logits, x, wcls, p.dim, p.vocab_size);
    int next = 0;
    for (int i = 1; i < p.vocab_size; i++) if (logits[i] > logits[next]) next = i;
    printf(pos + 1 < steps ? "%d, " : "%d\n", next);
    token = next;
  }
  return 0;
}
