/*
 * cfg_dump.c: prints what the config reader made of files, or what
 * shlex_split made of strings, in the canonical form that
 * tests/unit/config_diff.py prints for botocore and Python's shlex, so
 * config_diff.sh can compare them line by line.
 *
 *   cfg_dump CONFIG CREDENTIALS   ("-" for no file)
 *   cfg_dump --list LIST          each line "CONFIG\tCREDENTIALS\tOUTPUT":
 *                                 the dump goes to OUTPUT.c
 *   cfg_dump --shlex FILE         (one hex-encoded string a line)
 *
 * Output lines are sorted; fields are tab-separated and escaped (bytes
 * outside 0x20-0x7e and "\" as \xHH).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/reader.h"

struct lines {
    char **v;
    size_t count, cap;
};

static void
die(const char *what)
{
    fprintf(stderr, "cfg_dump: %s\n", what);
    exit(2);
}

/* Appends escaped s to a malloc'd string. */
static void
put(char **line, size_t *len, const char *s)
{
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        char esc[5];
        size_t n;

        if (*p >= 0x20 && *p < 0x7f && *p != '\\' && *p != '\t')
            esc[0] = (char) *p, esc[1] = '\0';
        else
            snprintf(esc, sizeof(esc), "\\x%02x", *p);
        n = strlen(esc);
        *line = realloc(*line, *len + n + 1);
        if (*line == NULL)
            die("out of memory");
        memcpy(*line + *len, esc, n + 1);
        *len += n;
    }
}

/* Adds a line made of the fields (NULL-terminated; a leading "\t" joins). */
static void
add_line(struct lines *out, const char *const *fields)
{
    char *line = calloc(1, 1);
    size_t len = 0;

    if (line == NULL)
        die("out of memory");
    for (size_t i = 0; fields[i] != NULL; i++) {
        if (i > 0) {
            line = realloc(line, len + 2);
            if (line == NULL)
                die("out of memory");
            line[len++] = '\t';
            line[len] = '\0';
        }
        put(&line, &len, fields[i]);
    }
    if (out->count == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 256;
        out->v = realloc(out->v, out->cap * sizeof(*out->v));
        if (out->v == NULL)
            die("out of memory");
    }
    out->v[out->count++] = line;
}

static void
dump_section(struct lines *out, const char *kind, const char *name,
             const struct cfg_section *s)
{
    add_line(out, (const char *[]){ kind, name, NULL });
    for (size_t i = 0; i < s->count; i++) {
        const struct cfg_entry *e = &s->entries[i];
        char *value;

        if (e->nested == NULL) {
            if (asprintf(&value, "=%s", e->value) < 0)
                die("out of memory");
            add_line(out, (const char *[]){ kind, name, e->key, value, NULL });
            free(value);
            continue;
        }
        add_line(out, (const char *[]){ kind, name, e->key, "{}", NULL });
        for (size_t j = 0; j < e->nested->count; j++) {
            const struct cfg_entry *n = &e->nested->entries[j];
            char *sub;

            if (asprintf(&sub, ".%s", n->key) < 0
                || asprintf(&value, "=%s", n->value) < 0)
                die("out of memory");
            add_line(out, (const char *[]){ kind, name, e->key, sub, value,
                                            NULL });
            free(sub);
            free(value);
        }
    }
}

static void
dump_named(struct lines *out, const char *kind, const struct cfg_named *nm)
{
    for (size_t i = 0; i < nm->count; i++)
        dump_section(out, kind, nm->names[i], nm->sections[i]);
}

static struct cfg *
load(struct awscred_context *ctx, const char *config, const char *creds)
{
    struct awscred_error err;
    struct cfg *cfg;

    if (cfg_load_paths(ctx, config, creds, &cfg, &err) != AWSCRED_OK) {
        if (getenv("CFG_DUMP_VERBOSE") != NULL)
            fprintf(stderr, "%s [%s]\n", err.message, err.where);
        return NULL;
    }
    return cfg;
}

static void
dump_files(struct lines *out, const char *config, const char *creds)
{
    struct awscred_context *ctx = awscred_context_new();
    struct awscred_limits limits = { .max_file_bytes = 64u << 20 };
    struct cfg *c1, *c2, *c3;

    if (ctx == NULL)
        die("out of memory");
    awscred_context_set_limits(ctx, &limits);
    c1 = strcmp(config, "-") != 0 ? load(ctx, config, NULL) : NULL;
    c2 = strcmp(creds, "-") != 0 ? load(ctx, NULL, creds) : NULL;
    if (strcmp(config, "-") != 0 && c1 == NULL)
        add_line(out, (const char *[]){ "config-error", NULL });
    if (strcmp(creds, "-") != 0 && c2 == NULL)
        add_line(out, (const char *[]){ "credentials-error", NULL });
    if (c1 != NULL) {
        dump_named(out, "profile", &c1->config_profiles);
        dump_named(out, "sso-session", &c1->sso_sessions);
        dump_named(out, "services", &c1->services);
        dump_named(out, "other", &c1->other_sections);
    }
    if (c2 != NULL)
        dump_named(out, "credentials", &c2->credentials_profiles);
    if ((strcmp(config, "-") == 0 || c1 != NULL)
        && (strcmp(creds, "-") == 0 || c2 != NULL)) {
        c3 = load(ctx, strcmp(config, "-") ? config : NULL,
                  strcmp(creds, "-") ? creds : NULL);
        if (c3 == NULL)
            die("merged load failed where each file loaded");
        dump_named(out, "merged", &c3->merged_profiles);
        cfg_free(c3);
    }
    cfg_free(c1);
    cfg_free(c2);
    awscred_context_free(ctx);
}

static int
unhex(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                                  : -1;
}

/* Prints one line a string, in input order: "ok\tw1\tw2..." or "error\tmsg". */
static void
dump_shlex(const char *path)
{
    FILE *f = fopen(path, "r");
    char *hex = NULL;
    size_t cap = 0;
    ssize_t n;

    if (f == NULL)
        die("cannot open the shlex input");
    while ((n = getline(&hex, &cap, f)) > 0) {
        char *s = malloc((size_t) n / 2 + 1), **words;
        const char *error;
        size_t len = 0;
        struct lines line = { 0 };

        if (s == NULL)
            die("out of memory");
        for (ssize_t i = 0; i + 1 < n && unhex(hex[i]) >= 0; i += 2)
            s[len++] = (char) (unhex(hex[i]) * 16 + unhex(hex[i + 1]));
        s[len] = '\0';
        words = shlex_split(s, &error);
        if (words == NULL) {
            add_line(&line, (const char *[]){ "error", error, NULL });
        } else {
            size_t k = 0;
            const char **fields;

            while (words[k] != NULL)
                k++;
            fields = calloc(k + 2, sizeof(*fields));
            if (fields == NULL)
                die("out of memory");
            fields[0] = "ok";
            for (size_t i = 0; i < k; i++)
                fields[i + 1] = words[i];
            add_line(&line, fields);
            free(fields);
        }
        puts(line.v[0]);
        free(line.v[0]);
        free(line.v);
        strv_free(words);
        free(s);
    }
    free(hex);
    fclose(f);
}

static int
compare(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static void
print_sorted(FILE *fp, const char *config, const char *creds)
{
    struct lines out = { 0 };

    dump_files(&out, config, creds);
    if (out.count > 0)
        qsort(out.v, out.count, sizeof(*out.v), compare);
    for (size_t i = 0; i < out.count; i++) {
        fprintf(fp, "%s\n", out.v[i]);
        free(out.v[i]);
    }
    free(out.v);
}

/* Each line "CONFIG\tCREDENTIALS\tOUTPUT": the dump goes to OUTPUT.c. */
static void
dump_list(const char *path)
{
    FILE *list = fopen(path, "r");
    char *entry = NULL;
    size_t cap = 0;

    if (list == NULL)
        die("cannot open the list");
    while (getline(&entry, &cap, list) > 0) {
        char *config = strtok(entry, "\t\n"), *creds = strtok(NULL, "\t\n");
        char *output = strtok(NULL, "\t\n"), *name;
        FILE *fp;

        if (config == NULL || creds == NULL || output == NULL
            || asprintf(&name, "%s.c", output) < 0)
            die("bad list line");
        fp = fopen(name, "w");
        if (fp == NULL)
            die("cannot write an output");
        print_sorted(fp, config, creds);
        if (fclose(fp) != 0)
            die("cannot write an output");
        free(name);
    }
    free(entry);
    fclose(list);
}

int
main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--shlex") == 0) {
        dump_shlex(argv[2]);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--list") == 0) {
        dump_list(argv[2]);
        return 0;
    }
    if (argc != 3)
        die("usage: cfg_dump CONFIG CREDENTIALS | --list LIST | --shlex FILE");
    print_sorted(stdout, argv[1], argv[2]);
    return 0;
}
