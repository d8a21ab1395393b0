/*
 * Load generator for the daemon's Unix socket, in C so that its own pauses (a Node generator's GC)
 * stay out of the daemon's latency. Each of CLIENTS threads does what the plugin does per call:
 * connect, send one line, read the answer line, close.
 *   socketLoad SOCKET REQUEST_FILE CLIENTS RATE DURATION_MS
 * RATE 0 = closed loop (next request as soon as the answer is in); otherwise total requests per
 * second, paced per thread, timed from when each request was due (no coordinated omission).
 * Prints one line: requests seconds p50_ms p99_ms service_p50_ms service_p99_ms
 * (service: from connect to answer).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  double *due, *service;
  size_t n, cap;
  unsigned seed;
} samples;

static const char *path;
static char request[65536];
static size_t request_len;
static int clients;
static double rate, duration_ms, start_ms;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void sleep_ms(double ms) {
  struct timespec w = {.tv_sec = (time_t)(ms / 1e3), .tv_nsec = (long)((ms - (time_t)(ms / 1e3) * 1e3) * 1e6)};
  nanosleep(&w, NULL);
}

static int exchange(void) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) return close(fd), -1;
  if (write(fd, request, request_len) != (ssize_t)request_len) return close(fd), -1;
  char buf[16384];
  size_t got = 0;
  for (;;) { /* the answer is the line with "ok"; a "pending" line may come first */
    ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
    if (n <= 0) return close(fd), -1;
    got += (size_t)n;
    buf[got] = 0;
    if (strstr(buf, "\"ok\":") && buf[got - 1] == '\n') break;
    if (got == sizeof buf - 1) return close(fd), -1;
  }
  close(fd);
  return strstr(buf, "\"ok\":true") ? 0 : -1;
}

static void push(samples *s, double due, double service) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 4096;
    s->due = realloc(s->due, s->cap * sizeof(double));
    s->service = realloc(s->service, s->cap * sizeof(double));
  }
  s->due[s->n] = due;
  s->service[s->n++] = service;
}

static void *client(void *arg) {
  samples *s = arg;
  double interval = rate > 0 ? 1000.0 * clients / rate : 0;
  double due = start_ms + (rate > 0 ? interval * rand_r(&s->seed) / RAND_MAX : 0);
  while (due < start_ms + duration_ms) {
    double t = now_ms();
    if (rate > 0 && due > t) sleep_ms(due - t);
    double sent = now_ms();
    if (exchange() != 0) {
      fprintf(stderr, "socketLoad: a request failed\n");
      exit(1);
    }
    double done = now_ms();
    push(s, done - (rate > 0 ? due : sent), done - sent);
    due = rate > 0 ? due + interval : done;
  }
  return NULL;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double pct(double *v, size_t n, double p) {
  if (n == 0) return 0;
  size_t rank = (size_t)(p / 100 * n + 0.999999);
  return v[(rank ? rank : 1) - 1];
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: socketLoad SOCKET REQUEST_FILE CLIENTS RATE DURATION_MS\n");
    return 2;
  }
  path = argv[1];
  FILE *f = fopen(argv[2], "rb");
  if (!f || (request_len = fread(request, 1, sizeof request, f)) == 0) return perror(argv[2]), 2;
  fclose(f);
  clients = atoi(argv[3]);
  rate = atof(argv[4]);
  duration_ms = atof(argv[5]);
  pthread_t *threads = calloc((size_t)clients, sizeof *threads);
  samples *all = calloc((size_t)clients, sizeof *all);
  start_ms = now_ms();
  for (int i = 0; i < clients; i++) {
    all[i].seed = (unsigned)i + 1;
    pthread_create(&threads[i], NULL, client, &all[i]);
  }
  size_t n = 0;
  for (int i = 0; i < clients; i++) pthread_join(threads[i], NULL), n += all[i].n;
  double seconds = (now_ms() - start_ms) / 1e3;
  double *due = malloc(n * sizeof(double)), *service = malloc(n * sizeof(double));
  for (int i = 0, k = 0; i < clients; i++)
    for (size_t j = 0; j < all[i].n; j++, k++) due[k] = all[i].due[j], service[k] = all[i].service[j];
  qsort(due, n, sizeof(double), by_value);
  qsort(service, n, sizeof(double), by_value);
  printf("%zu %.3f %.3f %.3f %.3f %.3f\n", n, seconds, pct(due, n, 50), pct(due, n, 99), pct(service, n, 50),
         pct(service, n, 99));
  return 0;
}
