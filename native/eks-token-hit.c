/*
 * eks-token-hit: the daemon cache hit without starting Node. The launcher runs it as
 *   eks-token-hit NODE BUNDLE ARGS...
 * It answers only a clean hit: a plain token call with the daemon on (the flag scan of
 * plugin/answerFromDaemon.ts), a socket that passes the checks of src/protocol/trustedSocket.ts, the very request
 * line plugin/answerFromDaemon.ts sends, and an `exec` answer that parseExecReply accepts. It prints that
 * answer as the Node client does (stderr, then stdout, exit 0). Anything else, and anything it cannot
 * reproduce exactly (invalid UTF-8, an unusual environment, a pending or error answer, a timeout),
 * execs `NODE BUNDLE ARGS...` with nothing printed, so the TypeScript code decides.
 * C11 and POSIX only; test/plugin/checkNativeClient.test.ts keeps its tables equal to the TypeScript ones.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* macOS has neither flag: there SO_NOSIGPIPE keeps a closed daemon from killing the process. */
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif
#ifndef POLLRDHUP
#define POLLRDHUP 0
#endif
#ifndef SOCK_CLOEXEC
#define SOCK_CLOEXEC 0
#endif

/* MAX_LINE_BYTES of src/protocol/DaemonRequest.ts: a longer answer is handed over. */
#define MAX_LINE_BYTES (64 * 1024)
/*
 * How long this client waits for a first line before it hands the connection to Node, whose own
 * deadline (DEFAULT_DEADLINES in src/protocol/DaemonExchange.ts) then starts, as if it had just
 * connected. A hit takes milliseconds; fifty clients at once on a busy machine take longer, and
 * then the daemon gets the time it gets from Node clients, which connect only after Node's start.
 */
#define ANSWER_MS 300
/* The Node client reads answers with its own nesting limit; deeper JSON is handed over. */
#define MAX_DEPTH 64

static char **handover_argv;

/* HANDOVER_VARIABLE of src/protocol/HandedOverSocket.ts. */
static const char HANDOVER_VARIABLE[] = "EKS_TOKEN_HIT_HANDOVER";

/* Runs the Node plugin with this process's arguments and environment; never returns. */
static _Noreturn void handover(void) {
  const char *node = handover_argv[0];
  if (strchr(node, '/')) execv(node, handover_argv);
  else execvp(node, handover_argv);
  static const char msg[] = "eks-token: cannot start node: reinstall eks-token with the Node you use\n";
  ssize_t ignored = write(2, msg, sizeof msg - 1);
  (void)ignored;
  _exit(127);
}

/*
 * Hands over with the connection: its request sent, its answer unread, so the Node client reads
 * the answer as its own (src/protocol/HandedOverSocket.ts) and the daemon is asked once.
 */
static _Noreturn void handover_connection(int fd) {
  char value[32];
  int flags = fcntl(fd, F_GETFD);
  if (flags >= 0 && fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) == 0 && snprintf(value, sizeof value, "%d", fd) > 0)
    setenv(HANDOVER_VARIABLE, value, 1);
  handover();
}

/* ---- growable bytes -------------------------------------------------------------------- */

typedef struct {
  char *data;
  size_t len, cap;
} Bytes;

static void put(Bytes *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) {
      if (cap > SIZE_MAX / 2) handover();
      cap *= 2;
    }
    char *grown = realloc(b->data, cap);
    if (!grown) handover();
    b->data = grown;
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

static void puts_(Bytes *b, const char *s) { put(b, s, strlen(s)); }

/* ---- UTF-8 and JSON strings ------------------------------------------------------------ */

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlongs, no surrogates), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n) {
  if (n == 0) return 0;
  unsigned c = s[0];
  if (c < 0x80) return 1;
  size_t len;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else return 0;
  if (n < len || s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < len; i++)
    if (s[i] < 0x80 || s[i] > 0xBF) return 0;
  return len;
}

static int valid_utf8(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    size_t len = utf8_seq(u + i, n - i);
    if (!len) return 0;
    i += len;
  }
  return 1;
}

/* A string as JSON.stringify writes it (valid UTF-8 in, so no lone surrogates to escape). */
static void put_json_string(Bytes *b, const char *s) {
  static const char hex[] = "0123456789abcdef";
  put(b, "\"", 1);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    char esc[7];
    switch (*p) {
    case '"': put(b, "\\\"", 2); break;
    case '\\': put(b, "\\\\", 2); break;
    case '\b': put(b, "\\b", 2); break;
    case '\f': put(b, "\\f", 2); break;
    case '\n': put(b, "\\n", 2); break;
    case '\r': put(b, "\\r", 2); break;
    case '\t': put(b, "\\t", 2); break;
    default:
      if (*p < 0x20) {
        memcpy(esc, "\\u00", 4);
        esc[4] = hex[*p >> 4];
        esc[5] = hex[*p & 15];
        put(b, esc, 6);
      } else put(b, (const char *)p, 1);
    }
  }
  put(b, "\"", 1);
}

/* ---- the flag scan of plugin/answerFromDaemon.ts ------------------------------------------------ */

typedef struct {
  const char *name;
  char shortName;
  char type; /* 's' string, 'b' boolean */
} Option;

/* TOKEN_OPTIONS of src/token/parseTokenCommand.ts (`multiple` changes nothing the scan decides). */
static const Option TOKEN_OPTIONS[] = {
    {"cluster-id", 'i', 's'},
    {"cluster-name", 0, 's'},
    {"role", 'r', 's'},
    {"role-arn", 0, 's'},
    {"external-id", 'e', 's'},
    {"session-name", 's', 's'},
    {"forward-session-name", 0, 'b'},
    {"region", 0, 's'},
    {"profile", 0, 's'},
    {"token-only", 0, 'b'},
    {"txt-fallback", 0, 's'},
    {"dns-server", 0, 's'},
    {"daemon", 0, 's'},
    {"output", 'o', 's'},
    {"debug", 0, 'b'},
    {"help", 'h', 'b'},
    {"cache", 0, 'b'},
    {"endpoint-url", 0, 's'},
    {"no-verify-ssl", 0, 'b'},
    {"ca-bundle", 0, 's'},
    {"no-paginate", 0, 'b'},
    {"no-cli-pager", 0, 'b'},
    {"cli-auto-prompt", 0, 'b'},
    {"no-cli-auto-prompt", 0, 'b'},
    {"cli-binary-format", 0, 's'},
    {"cli-read-timeout", 0, 's'},
    {"cli-connect-timeout", 0, 's'},
    {"color", 0, 's'},
    {"query", 0, 's'},
    {"no-sign-request", 0, 'b'},
};
#define OPTION_COUNT (sizeof TOKEN_OPTIONS / sizeof TOKEN_OPTIONS[0])

/* The option a flag word names (`-i`, `--role`, `--region=x`), as tokenOptionName reads it. */
static const Option *option_of(const char *arg) {
  size_t n = strlen(arg);
  if (n < 2 || arg[0] != '-') return NULL;
  if (arg[1] != '-') {
    if (n != 2) return NULL;
    for (size_t i = 0; i < OPTION_COUNT; i++)
      if (TOKEN_OPTIONS[i].shortName == arg[1]) return &TOKEN_OPTIONS[i];
    return NULL;
  }
  const char *eq = strchr(arg, '=');
  size_t len = eq ? (size_t)(eq - arg - 2) : n - 2;
  for (size_t i = 0; i < OPTION_COUNT; i++)
    if (strlen(TOKEN_OPTIONS[i].name) == len && memcmp(TOKEN_OPTIONS[i].name, arg + 2, len) == 0)
      return &TOKEN_OPTIONS[i];
  return NULL;
}

/*
 * isPlainDaemonCall: splitCommandLine finds the command (token, get-token, eks get-token), then
 * scanSimpleFlags reads every other word, and the call asks the daemon when neither --help nor
 * --debug is given and the mode (--daemon, else EKS_TOKEN_DAEMON) is on or auto.
 */
static int is_plain_daemon_call(int argc, char **argv, const char *env_mode) {
  int i = 0;
  while (i < argc) {
    const char *arg = argv[i];
    if (strlen(arg) < 2 || arg[0] != '-') break;
    const Option *option = option_of(arg);
    if (!option) break;
    i += option->type == 's' && !strchr(arg, '=') ? 2 : 1;
  }
  if (i >= argc) return 0;
  const char *command = argv[i];
  int rest = i + 1;
  if (strcmp(command, "eks") == 0 && rest < argc &&
      (strcmp(argv[rest], "get-token") == 0 || strcmp(argv[rest], "update-kubeconfig") == 0)) {
    command = argv[rest];
    rest++;
  }
  if (strcmp(command, "token") != 0 && strcmp(command, "get-token") != 0) return 0;
  /* The scan's words: the flags before the command, then those after it. */
  const char *mode = NULL;
  for (int k = 0; k < argc; k++) {
    if (k >= i && k < rest) continue;
    const char *arg = argv[k];
    const Option *option = NULL;
    const char *inline_value = NULL;
    if (strncmp(arg, "--", 2) == 0) {
      option = option_of(arg);
      const char *eq = strchr(arg, '=');
      if (eq) inline_value = eq + 1;
    } else if (strlen(arg) == 2 && arg[0] == '-' && arg[1] != '-') {
      option = option_of(arg);
    }
    if (!option) return 0;
    if (option->type == 'b') {
      if (inline_value) return 0;
      if (strcmp(option->name, "help") == 0 || strcmp(option->name, "debug") == 0) return 0;
      continue;
    }
    const char *value = inline_value;
    if (!value) {
      /* The next word of the scan: skip over the command words. */
      int next = k + 1;
      if (next == i) next = rest;
      if (next >= argc) return 0;
      value = argv[next];
      if (value[0] == '-') return 0;
      k = next;
    }
    if (strcmp(option->name, "daemon") == 0) mode = value;
  }
  if (!mode) mode = env_mode;
  return mode && (strcmp(mode, "on") == 0 || strcmp(mode, "auto") == 0);
}

/* ---- the request line: execRequestLine of src/protocol/DaemonRequest.ts --------------------- */

/* Where the environment is one Node reads differently (or not at all), the Node client decides. */
static int name_len(const char *entry) {
  const char *eq = strchr(entry, '=');
  if (!eq || eq == entry) return -1;
  /* An all-digit name is an array index in JavaScript: Node's process.env skips it. */
  int digits = 1;
  for (const char *p = entry; p < eq; p++)
    if (*p < '0' || *p > '9') digits = 0;
  /* forwardedEnv's object ignores a string assigned to __proto__. */
  if (eq - entry == 9 && memcmp(entry, "__proto__", 9) == 0) return -1;
  return digits ? -1 : (int)(eq - entry);
}

static const char SDK_NOTICE[] = "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED";

/* The environment as forwardedEnv gives it, or 0 when this process cannot say it identically. */
static int put_env(Bytes *b) {
  int notice = 0;
  puts_(b, "{");
  for (char **e = environ; *e; e++) {
    int n = name_len(*e);
    if (n < 0 || !valid_utf8(*e, strlen(*e))) return 0;
    for (char **f = environ; f < e; f++)
      if (strncmp(*f, *e, (size_t)n + 1) == 0) return 0;
    if ((size_t)n == sizeof SDK_NOTICE - 1 && memcmp(*e, SDK_NOTICE, (size_t)n) == 0) notice = 1;
    if (e != environ) puts_(b, ",");
    char *name = strndup(*e, (size_t)n);
    if (!name) return 0;
    put_json_string(b, name);
    free(name);
    puts_(b, ":");
    put_json_string(b, *e + n + 1);
  }
  /* plugin/cli.ts sets this before the hot path runs; Node appends a new variable last. */
  if (!notice) {
    if (environ[0]) puts_(b, ",");
    puts_(b, "\"AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED\":\"true\"");
  }
  puts_(b, "}");
  return 1;
}

static int request_line(Bytes *b, int argc, char **argv) {
  puts_(b, "{\"v\":1,\"op\":\"exec\",\"argv\":[");
  for (int i = 0; i < argc; i++) {
    if (!valid_utf8(argv[i], strlen(argv[i]))) return 0;
    if (i) puts_(b, ",");
    put_json_string(b, argv[i]);
  }
  puts_(b, "],\"env\":");
  if (!put_env(b)) return 0;
  /* plugin/answerFromDaemon.ts's workingDirectory(): process.cwd(), left out when it cannot be had. */
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd)) {
    if (!valid_utf8(cwd, strlen(cwd))) return 0;
    puts_(b, ",\"cwd\":");
    put_json_string(b, cwd);
  } else if (errno != ENOENT) {
    return 0;
  }
  puts_(b, "}\n");
  return 1;
}

/* ---- the socket: src/protocol/ resolveSocketPath.ts, socketDirProblem.ts and trustedSocket.ts ------- */

static int is_normal_absolute(const char *p) {
  size_t n = strlen(p);
  if (n <= 1 || p[0] != '/' || p[n - 1] == '/') return 0;
  if (n >= 2 && strcmp(p + n - 2, "/.") == 0) return 0;
  if (n >= 3 && strcmp(p + n - 3, "/..") == 0) return 0;
  return !strstr(p, "//") && !strstr(p, "/./") && !strstr(p, "/../");
}

static int private_dir(const struct stat *st, uid_t uid) {
  return S_ISDIR(st->st_mode) && st->st_uid == uid && (st->st_mode & 077) == 0;
}

/* The socket path, or NULL where the Node client would resolve it in a way not copied here. */
static char *socket_path(uid_t uid) {
  const char *set = getenv("EKS_TOKEN_SOCKET");
  if (set && *set) return is_normal_absolute(set) ? strdup(set) : NULL;
  const char *runtime = getenv("XDG_RUNTIME_DIR");
  char *path = NULL;
  if (runtime && *runtime && runtime[0] == '/') {
    if (!is_normal_absolute(runtime)) return NULL;
    return asprintf(&path, "%s/eks-token/daemon.sock", runtime) < 0 ? NULL : path;
  }
  /* homeFallback: when /tmp/eks-token-<uid> is someone else's, the Node client decides. */
  char tmp[64];
  snprintf(tmp, sizeof tmp, "/tmp/eks-token-%lu", (unsigned long)uid);
  struct stat st;
  if (lstat(tmp, &st) == 0) {
    if (!S_ISDIR(st.st_mode) || st.st_uid != uid) return NULL;
  } else if (errno != ENOENT) return NULL;
  return asprintf(&path, "%s/daemon.sock", tmp) < 0 ? NULL : path;
}

static char *parent_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash || slash == path) return strdup("/");
  return strndup(path, (size_t)(slash - path));
}

static int safe_ancestor(const struct stat *st, uid_t uid) {
  if (!S_ISDIR(st->st_mode)) return 0;
  if (st->st_uid != 0 && st->st_uid != uid) return 0;
  return (st->st_mode & 022) == 0 || (st->st_mode & 01000) != 0;
}

/* socketAncestorsProblem: every directory above `dir` up to / is root's or ours, and not writable by others unless sticky. */
static int safe_ancestors(const char *dir, uid_t uid, int depth) {
  if (depth > 40) return 0;
  char *path = parent_of(dir);
  for (;;) {
    struct stat st;
    if (!path || lstat(path, &st) != 0) break;
    if (S_ISLNK(st.st_mode)) {
      char *real = realpath(path, NULL);
      struct stat rs;
      int ok = real && lstat(real, &rs) == 0 && safe_ancestor(&rs, uid) &&
               safe_ancestors(real, uid, depth + 1);
      free(real);
      if (!ok) break;
    } else if (!safe_ancestor(&st, uid)) break;
    if (strcmp(path, "/") == 0) {
      free(path);
      return 1;
    }
    char *up = parent_of(path);
    free(path);
    path = up;
  }
  free(path);
  return 0;
}

/* trustedSocket, then connect through the checked directory; -1 when the Node client must decide. */
static int connect_trusted(const char *socket_path, uid_t uid) {
  char *dir = parent_of(socket_path);
  if (!dir || !safe_ancestors(dir, uid, 0)) {
    free(dir);
    return -1;
  }
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  size_t dir_len = strlen(dir);
  free(dir);
  if (dfd < 0) return -1;
  struct stat st;
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  int fd = -1;
  if (fstat(dfd, &st) != 0 || !private_dir(&st, uid)) goto done;
#ifdef __linux__
  int n = snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d%s", dfd, socket_path + dir_len);
#else
  int n = snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_path);
#endif
  if (n < 0 || (size_t)n >= sizeof addr.sun_path) goto done;
  if (lstat(addr.sun_path, &st) != 0 || !S_ISSOCK(st.st_mode) || st.st_uid != uid) goto done;
  fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
#ifdef SO_NOSIGPIPE
  int one = 1;
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
  if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    close(fd);
    fd = -1;
  }
done:
  close(dfd);
  return fd;
}

/* ---- the answer: parseExecReply of src/protocol/parseAnswerLine.ts ----------------------------- */

typedef struct {
  const char *p, *end;
  int depth;
} Json;

typedef struct {
  char kind; /* 0 none, 'n' number, 's' string, 't' true, 'f' false, 'z' null, 'o' object, 'a' array */
  double number;
  Bytes text;
} Value;

static void ws(Json *j) {
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

static int hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return 0;
  }
  *out = v;
  return 1;
}

static void put_code_point(Bytes *b, unsigned c) {
  char u[4];
  if (c < 0x80) {
    u[0] = (char)c;
    put(b, u, 1);
  } else if (c < 0x800) {
    u[0] = (char)(0xC0 | c >> 6);
    u[1] = (char)(0x80 | (c & 63));
    put(b, u, 2);
  } else if (c < 0x10000) {
    u[0] = (char)(0xE0 | c >> 12);
    u[1] = (char)(0x80 | (c >> 6 & 63));
    u[2] = (char)(0x80 | (c & 63));
    put(b, u, 3);
  } else {
    u[0] = (char)(0xF0 | c >> 18);
    u[1] = (char)(0x80 | (c >> 12 & 63));
    u[2] = (char)(0x80 | (c >> 6 & 63));
    u[3] = (char)(0x80 | (c & 63));
    put(b, u, 4);
  }
}

/* A JSON string into UTF-8 (out may be NULL); 0 on bad JSON or a lone surrogate (Node would print U+FFFD). */
static int json_string(Json *j, Bytes *out) {
  Bytes scratch = {0};
  Bytes *b = out ? out : &scratch;
  b->len = 0;
  put(b, "", 0);
  if (j->p >= j->end || *j->p != '"') goto fail;
  j->p++;
  while (j->p < j->end) {
    unsigned char c = (unsigned char)*j->p;
    if (c == '"') {
      j->p++;
      free(scratch.data);
      return 1;
    }
    if (c < 0x20) goto fail;
    if (c != '\\') {
      size_t len = utf8_seq((const unsigned char *)j->p, (size_t)(j->end - j->p));
      if (!len) goto fail;
      put(b, j->p, len);
      j->p += len;
      continue;
    }
    if (j->end - j->p < 2) goto fail;
    char e = j->p[1];
    j->p += 2;
    const char *simple = strchr("\"\\/bfnrt", e);
    if (e && simple) {
      static const char decoded[] = "\"\\/\b\f\n\r\t";
      put(b, &decoded[simple - "\"\\/bfnrt"], 1);
      continue;
    }
    unsigned u;
    if (e != 'u' || j->end - j->p < 4 || !hex4(j->p, &u)) goto fail;
    j->p += 4;
    if (u >= 0xDC00 && u <= 0xDFFF) goto fail;
    if (u >= 0xD800 && u <= 0xDBFF) {
      unsigned low;
      if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' || !hex4(j->p + 2, &low) || low < 0xDC00 ||
          low > 0xDFFF)
        goto fail;
      j->p += 6;
      u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
    }
    put_code_point(b, u);
  }
fail:
  free(scratch.data);
  return 0;
}

static int json_number(Json *j, double *out) {
  const char *start = j->p;
  if (j->p < j->end && *j->p == '-') j->p++;
  if (j->p >= j->end) return 0;
  if (*j->p == '0') j->p++;
  else if (*j->p >= '1' && *j->p <= '9')
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') j->p++;
  else return 0;
  if (j->p < j->end && *j->p == '.') {
    j->p++;
    if (j->p >= j->end || *j->p < '0' || *j->p > '9') return 0;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') j->p++;
  }
  if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
    j->p++;
    if (j->p < j->end && (*j->p == '+' || *j->p == '-')) j->p++;
    if (j->p >= j->end || *j->p < '0' || *j->p > '9') return 0;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') j->p++;
  }
  char *copy = strndup(start, (size_t)(j->p - start));
  if (!copy) return 0;
  *out = strtod(copy, NULL);
  free(copy);
  return 1;
}

static int json_literal(Json *j, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0) return 0;
  j->p += n;
  return 1;
}

static int json_value(Json *j, Value *v);

/* Any JSON value, kept only as far as `v` asks (v may be NULL: checked and skipped). */
static int json_value(Json *j, Value *v) {
  ws(j);
  if (j->p >= j->end) return 0;
  char c = *j->p;
  char kind = 0;
  double number = 0;
  int ok;
  if (c == '"') {
    kind = 's';
    ok = json_string(j, v ? &v->text : NULL);
  } else if (c == 't') {
    kind = 't';
    ok = json_literal(j, "true");
  } else if (c == 'f') {
    kind = 'f';
    ok = json_literal(j, "false");
  } else if (c == 'n') {
    kind = 'z';
    ok = json_literal(j, "null");
  } else if (c == '{' || c == '[') {
    kind = c == '{' ? 'o' : 'a';
    if (++j->depth > MAX_DEPTH) return 0;
    j->p++;
    ws(j);
    char close = c == '{' ? '}' : ']';
    ok = 1;
    if (j->p < j->end && *j->p == close) j->p++;
    else
      for (;;) {
        if (c == '{') {
          ws(j);
          if (!json_string(j, NULL)) return 0;
          ws(j);
          if (j->p >= j->end || *j->p != ':') return 0;
          j->p++;
        }
        if (!json_value(j, NULL)) return 0;
        ws(j);
        if (j->p < j->end && *j->p == ',') {
          j->p++;
          continue;
        }
        if (j->p < j->end && *j->p == close) {
          j->p++;
          break;
        }
        return 0;
      }
    j->depth--;
  } else {
    kind = 'n';
    ok = json_number(j, &number);
  }
  if (ok && v) {
    v->kind = kind;
    v->number = number;
  }
  return ok;
}

typedef struct {
  Value v, ok, expiresAt, stdout_, stderr_;
} Answer;

static void free_answer(Answer *a) {
  free(a->v.text.data);
  free(a->ok.text.data);
  free(a->expiresAt.text.data);
  free(a->stdout_.text.data);
  free(a->stderr_.text.data);
}

/* One answer line as JSON.parse reads it: the fields a hit needs (the last of repeated keys). */
static int parse_answer(const char *line, size_t n, Answer *a) {
  Json j = {line, line + n, 0};
  Bytes key = {0};
  int ok = 0;
  ws(&j);
  if (j.p >= j.end || *j.p != '{') goto out;
  j.p++;
  ws(&j);
  if (j.p < j.end && *j.p == '}') j.p++;
  else
    for (;;) {
      ws(&j);
      if (!json_string(&j, &key)) goto out;
      ws(&j);
      if (j.p >= j.end || *j.p != ':') goto out;
      j.p++;
      Value *slot = NULL;
      if (strlen(key.data) == key.len) {
        if (strcmp(key.data, "v") == 0) slot = &a->v;
        else if (strcmp(key.data, "ok") == 0) slot = &a->ok;
        else if (strcmp(key.data, "expiresAt") == 0) slot = &a->expiresAt;
        else if (strcmp(key.data, "stdout") == 0) slot = &a->stdout_;
        else if (strcmp(key.data, "stderr") == 0) slot = &a->stderr_;
      }
      if (!json_value(&j, slot)) goto out;
      ws(&j);
      if (j.p < j.end && *j.p == ',') {
        j.p++;
        continue;
      }
      if (j.p < j.end && *j.p == '}') {
        j.p++;
        break;
      }
      goto out;
    }
  ws(&j);
  ok = j.p == j.end;
out:
  free(key.data);
  return ok;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* ---- the exchange ---------------------------------------------------------------------- */

static int send_all(int fd, const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return 0;
    s += w;
    n -= (size_t)w;
  }
  return 1;
}

/*
 * The first answer line (without its newline), peeked, not read: when it is not a clean hit the
 * connection goes to the Node client unread (handover_connection). 0 on a timeout, an early end,
 * an error or a line longer than MAX_LINE_BYTES.
 */
static int peek_line(int fd, double connected_at, Bytes *line) {
  size_t want = 16384;
  for (;;) {
    double spent = now_ms() - connected_at;
    if (spent >= ANSWER_MS) return 0;
    struct pollfd p = {.fd = fd, .events = POLLIN | POLLRDHUP};
    int r = poll(&p, 1, (int)(ANSWER_MS - spent) + 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return 0;
    if (line->cap < want + 1) {
      line->len = 0;
      put(line, "", 0);
      char *grown = realloc(line->data, want + 1);
      if (!grown) return 0;
      line->data = grown;
      line->cap = want + 1;
    }
    ssize_t got = recv(fd, line->data, want, MSG_PEEK);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return 0;
    char *nl = memchr(line->data, '\n', (size_t)got);
    if (nl) {
      line->len = (size_t)(nl - line->data);
      line->data[line->len] = '\0';
      return 1;
    }
    if ((size_t)got > MAX_LINE_BYTES || (p.revents & (POLLHUP | POLLRDHUP))) return 0;
    /* A full peek: more is waiting now; a short one: wait for the rest. */
    if ((size_t)got == want) want *= 2;
    else {
      struct timespec pause = {0, 200000};
      nanosleep(&pause, NULL);
    }
  }
}

/* libuv's names for what a write may fail with, as the Node client reports them. */
static const char *write_error(int err) {
  switch (err) {
  case EPIPE: return "EPIPE: broken pipe, write";
  case EBADF: return "EBADF: bad file descriptor, write";
  case EIO: return "EIO: i/o error, write";
  case ENOSPC: return "ENOSPC: no space left on device, write";
  case EDQUOT: return "EDQUOT: disk quota exceeded, write";
  case EFBIG: return "EFBIG: file too large, write";
  case EINVAL: return "EINVAL: invalid argument, write";
  default: return NULL;
  }
}

/* fdSink's write: all of it, waiting where the descriptor is non-blocking and full; 0 or errno. */
static int write_all(int fd, const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      struct pollfd p = {.fd = fd, .events = POLLOUT};
      poll(&p, 1, -1);
      continue;
    }
    if (w < 0) return errno;
    s += w;
    n -= (size_t)w;
  }
  return 0;
}

/* What the Node client prints for a hit, and its exit status. */
static int print_answer(const Answer *a) {
  /* Node ignores SIGPIPE: a closed reader is a write error, reported as the Node client does. */
  signal(SIGPIPE, SIG_IGN);
  int err = a->stderr_.text.len ? write_all(2, a->stderr_.text.data, a->stderr_.text.len) : 0;
  if (err) return 1;
  err = write_all(1, a->stdout_.text.data, a->stdout_.text.len);
  if (!err) return 0;
  const char *what = write_error(err);
  char line[256];
  int n = snprintf(line, sizeof line, "eks-token: unexpected error: %s: rerun with --debug and report it\n",
                   what ? what : strerror(err));
  if (n > 0) write_all(2, line, (size_t)n);
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    static const char usage[] = "usage: eks-token-hit NODE BUNDLE [ARGS...] (bin/eks-token runs it)\n";
    ssize_t ignored = write(2, usage, sizeof usage - 1);
    (void)ignored;
    return 2;
  }
  handover_argv = argv + 1;
  /* Only ever this process's to set: the Node client drops one it finds, and so does this. */
  unsetenv(HANDOVER_VARIABLE);
  int nargs = argc - 3;
  char **args = argv + 3;
  /* Output the Node client would write somewhere this process cannot: let it. */
  if (fcntl(1, F_GETFL) < 0 || fcntl(2, F_GETFL) < 0) handover();
  if (!is_plain_daemon_call(nargs, args, getenv("EKS_TOKEN_DAEMON"))) handover();
  Bytes request = {0};
  if (!request_line(&request, nargs, args)) handover();
  uid_t uid = getuid();
  char *path = socket_path(uid);
  if (!path) handover();
  int fd = connect_trusted(path, uid);
  double connected_at = now_ms();
  free(path);
  if (fd < 0) handover();
  Bytes line = {0};
  int got = send_all(fd, request.data, request.len) && peek_line(fd, connected_at, &line);
  free(request.data);
  if (!got || !valid_utf8(line.data, line.len)) handover_connection(fd);
  Answer a = {0};
  int hit = parse_answer(line.data, line.len, &a) && a.v.kind == 'n' && a.v.number == 1.0 && a.ok.kind == 't' &&
            a.expiresAt.kind == 'n' && isfinite(a.expiresAt.number) && a.expiresAt.number > now_ms() &&
            a.stdout_.kind == 's' && a.stdout_.text.len > 0 && a.stderr_.kind == 's';
  free(line.data);
  if (!hit) {
    free_answer(&a);
    handover_connection(fd);
  }
  close(fd);
  int status = print_answer(&a);
  free_answer(&a);
  return status;
}
