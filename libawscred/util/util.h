/*
 * util.h: the helpers every component of libawscred uses (util/ *.c):
 * error values, strings and secrets, bounded file reads and atomic
 * writes, path expansion, ISO 8601 times, the strict JSON wrapper and
 * Python's shlex.split. They depend on the context (internal.h) and on
 * nothing else of the library.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_UTIL_H
#define AWSCRED_UTIL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awscred.h"
#include "common/secret.h"

#pragma GCC visibility push(hidden)

/* ---- Errors ----------------------------------------------------------- */

/* Fills err (which may be NULL) and returns status. */
enum awscred_status error_set(struct awscred_error *err,
                              enum awscred_status status, const char *provider,
                              const char *where, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Same, where = "path:line". */
enum awscred_status error_set_line(struct awscred_error *err,
                                   enum awscred_status status,
                                   const char *path, unsigned line,
                                   const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Clears err to AWSCRED_OK with empty strings. */
void error_clear(struct awscred_error *err);

/* ---- Strings and secrets ---------------------------------------------- */

char *xstrdup(const char *s);                 /* NULL in, NULL out */

/*
 * The scheme and host name of a URL as Python's urllib.parse.urlsplit sees
 * them (both lower-cased; IPv6 brackets removed; user info and port
 * dropped). Writes "" when there is none. Returns false when a part does
 * not fit.
 */
bool url_parts(const char *url, char *scheme, size_t scheme_size,
               char *host, size_t host_size);
char *xstrndup(const char *s, size_t n);
/* malloc'd printf; NULL when out of memory. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An empty credentials struct, or NULL when out of memory. */
struct awscred_credentials *credentials_new(void);
/* Case-insensitive ASCII equality (the AWS CLI's .lower() == ...). */
bool str_ieq(const char *a, const char *b);
/* The code point of the UTF-8 character at p (before end) in *cp and its
   length, or 0 when it is not strict UTF-8. */
unsigned utf8_decode(const unsigned char *p, const unsigned char *end,
                     uint32_t *cp);
/* Python's str.isspace() of one character. */
bool py_isspace(uint32_t c);
/* Python's int() of a str: white space around, a sign, Unicode decimal
   digits with single underscores between them. false when Python would
   raise ValueError or the value does not fit in 64 bits. */
bool py_int(const char *s, long long *out);

/* ---- Files ------------------------------------------------------------ */

/*
 * Reads a whole file into a NUL-terminated buffer of at most the context's
 * max_file_bytes, opening with O_RDONLY|O_CLOEXEC|O_NOCTTY|O_NONBLOCK and
 * checking on the descriptor: a regular file, within the size limit, and
 * with AWSCRED_FLAG_STRICT_FILES owned by the context's user or root and
 * not writable by group or others. With STRICT_FILES, a file whose
 * resolved path lies below the resolved home is opened one directory
 * descriptor at a time from the home down, each directory checked the
 * same way (refused, or logged with AWSCRED_FLAG_WARN_UNSAFE_DIRS).
 * Returns AWSCRED_OK with *data set, or AWSCRED_OK with *data NULL when the
 * file does not exist (ENOENT/ENOTDIR: "treated as empty", as the CLI), or
 * AWSCRED_ERR_FILE naming the file. what is a short label for messages
 * ("config file"). Free *data with secret_free_n(*data, *len + 1).
 */
enum awscred_status file_read(const struct awscred_context *ctx,
                              const char *path, const char *what,
                              char **data, size_t *len,
                              struct awscred_error *err);

/*
 * file_read() for the config and credentials files: a file that exists but
 * cannot be opened (EACCES, ELOOP, a directory on the way that cannot be
 * searched) or is a directory counts as missing, with a LOG_WARNING line
 * naming it, because
 * configparser's read() skips such a file and the AWS CLI treats it as
 * empty. A file that opens and fails a check is still an error.
 */
enum awscred_status file_read_config(const struct awscred_context *ctx,
                                     const char *path, const char *what,
                                     char **data, size_t *len,
                                     struct awscred_error *err);

/*
 * Writes data to path atomically with mode 0600 (a temporary file with
 * O_CREAT|O_EXCL|O_NOFOLLOW in the same directory, then rename()),
 * creating missing parent directories with mode 0700. Used for the caches.
 */
enum awscred_status file_write_atomic(const struct awscred_context *ctx,
                                      const char *path, const char *data,
                                      size_t len, struct awscred_error *err);

/*
 * Expands a path like os.path.expandvars then os.path.expanduser: $VAR and
 * ${VAR} from the context's environment (unknown variables stay as they
 * are), then a leading "~" or "~/" from the context's home. Returns a
 * malloc'd string or NULL when out of memory.
 */
char *path_expand(const struct awscred_context *ctx, const char *raw);

/* ---- Times ------------------------------------------------------------ */

/*
 * Parses a timestamp as dateutil's parse() does for the forms that
 * credential_process helpers, container endpoints and caches write:
 * ISO 8601 extended ("2026-11-22T12:20:59Z", "...+05:30", "... UTC",
 * fractional seconds, a space instead of "T") and basic
 * ("20261122T122059Z"), and the HTTP date ("Sun, 22 Nov 2026 12:20:59
 * GMT"). Without a zone the time is taken as UTC (where the AWS CLI
 * fails comparing it with an aware time). Returns 0, or -1.
 */
struct time_value {
    int64_t seconds; /* since the epoch, UTC */
    int32_t usec;    /* the fraction as given, in microseconds */
    int32_t offset;  /* the zone as given, seconds east of UTC */
};
int time_parse_value(const char *s, struct time_value *out);
/* time_parse_value()'s seconds. */
int time_parse_iso8601(const char *s, int64_t *out);
/* time_parse_value() into c's expiration fields. */
int time_parse_expiration(const char *s, struct awscred_credentials *c);
/* "2026-11-22T12:20:59+00:00" (the AWS CLI v2 export format); buf >= 32. */
void time_format_iso8601(int64_t t, char *buf, size_t size);
/* "2026-11-22T12:20:59Z" (the SSO caches' format); buf >= 32. */
void time_format_iso8601_z(int64_t t, char *buf, size_t size);

/* ---- Strict JSON (doc/design.md decision 4) ------------------------- */

/*
 * Parses a JSON document the way Python's json module does where cJSON
 * differs: trailing data (other than white space) is an error, the last
 * of duplicate keys wins, lookups are case-sensitive, and strings holding
 * NUL are refused. Reports no position through cJSON's global error
 * pointer. Returns NULL and fills err (AWSCRED_ERR_RETRIEVAL, where =
 * source) on failure. Free the tree with json_free(), which wipes every
 * string in it.
 *
 * libcjson is loaded into ctx on first use (json_load(); json_parse() and
 * the builders below call it); who names the provider that needs it in
 * the error when it cannot be loaded.
 */
struct cJSON;
struct json_lib;
enum awscred_status json_load(struct awscred_context *ctx, const char *who,
                              struct awscred_error *err);
void json_unload(struct json_lib *lib);
struct cJSON *json_parse(struct awscred_context *ctx, const char *text,
                         size_t len, const char *source,
                         struct awscred_error *err);
void json_free(struct cJSON *tree);
/* True when item is one of types (cJSON_Object, cJSON_True | ...). */
bool json_is(const struct cJSON *item, int types);
/* The member named key (case-sensitive), or NULL. */
struct cJSON *json_get(const struct cJSON *object, const char *key);
/* The string value of member key, or NULL when absent or not a string. */
const char *json_get_string(const struct cJSON *object, const char *key);
/* cJSON's PrintUnformatted, Create*, Add*ToObject, Detach- and
   ReplaceItemInObjectCaseSensitive; NULL or false also when libcjson
   cannot be loaded. free() the printed text. */
char *json_print(struct awscred_context *ctx, const struct cJSON *tree);
struct cJSON *json_new_object(struct awscred_context *ctx);
struct cJSON *json_new_string(struct awscred_context *ctx, const char *value);
struct cJSON *json_new_number(struct awscred_context *ctx, double value);
bool json_add(struct awscred_context *ctx, struct cJSON *object,
              const char *key, struct cJSON *item);
struct cJSON *json_add_string(struct awscred_context *ctx,
                              struct cJSON *object, const char *key,
                              const char *value);
struct cJSON *json_add_number(struct awscred_context *ctx,
                              struct cJSON *object, const char *key,
                              double value);
struct cJSON *json_add_object(struct awscred_context *ctx,
                              struct cJSON *object, const char *key);
struct cJSON *json_detach(struct awscred_context *ctx, struct cJSON *object,
                          const char *key);
bool json_replace(struct awscred_context *ctx, struct cJSON *object,
                  const char *key, struct cJSON *item);

/* ---- Python's shlex.split (shlex.c) -------------------------------- */

/*
 * Splits a string like Python's shlex.split (POSIX mode, comments=False).
 * Returns a NULL-terminated malloc'd vector, or NULL with *error set to a
 * static message ("No closing quotation", "No escaped character").
 * Free with strv_free().
 */
char **shlex_split(const char *s, const char **error);
void strv_free(char **v);

#pragma GCC visibility pop
#endif /* AWSCRED_UTIL_H */
