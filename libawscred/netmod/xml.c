/*
 * xml.c: turns an AWS Query API response (STS) into a flat list of its
 * leaf elements with expat. Namespaces are dropped (only local names are
 * kept), document type declarations are refused (no entities), depth and
 * leaf count are bounded.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "netmod/modimpl.h"

#define XML_MAX_DEPTH 16
#define XML_MAX_LEAVES 128
#define NS_SEPARATOR '\x1f'

struct xml_state {
    XML_Parser parser;
    struct net_xml *out;
    char *names[XML_MAX_DEPTH];
    bool has_children[XML_MAX_DEPTH];
    size_t depth;
    char *text;          /* character data of the innermost element */
    size_t text_len;
    const char *failure; /* why parsing was stopped, or NULL */
};

static void
stop(struct xml_state *s, const char *why)
{
    if (s->failure == NULL)
        s->failure = why;
    XML_StopParser(s->parser, XML_FALSE);
}

static void
text_reset(struct xml_state *s)
{
    if (s->text != NULL) {
        mod_wipe(s->text, s->text_len);
        free(s->text);
    }
    s->text = NULL;
    s->text_len = 0;
}

static void XMLCALL
on_start(void *arg, const XML_Char *name, const XML_Char **attrs)
{
    struct xml_state *s = arg;
    const char *local = strrchr(name, NS_SEPARATOR);

    (void) attrs;
    if (s->depth == XML_MAX_DEPTH) {
        stop(s, "elements nested too deeply");
        return;
    }
    if (s->depth > 0)
        s->has_children[s->depth - 1] = true;
    s->names[s->depth] = strdup(local != NULL ? local + 1 : name);
    s->has_children[s->depth] = false;
    if (s->names[s->depth] == NULL) {
        stop(s, "out of memory");
        return;
    }
    s->depth++;
    text_reset(s);
}

static char *
current_path(const struct xml_state *s)
{
    size_t i, len = 0;
    char *path;

    for (i = 0; i < s->depth; i++)
        len += strlen(s->names[i]) + 1;
    path = malloc(len + 1);
    if (path == NULL)
        return NULL;
    path[0] = '\0';
    for (i = 0; i < s->depth; i++) {
        if (i > 0)
            strcat(path, "/");
        strcat(path, s->names[i]);
    }
    return path;
}

static void
add_leaf(struct xml_state *s)
{
    struct net_xml *x = s->out;
    struct net_xml_leaf *leaf;

    if (x->count == XML_MAX_LEAVES) {
        stop(s, "too many elements");
        return;
    }
    if (x->leaves == NULL) {
        x->leaves = calloc(XML_MAX_LEAVES, sizeof(*x->leaves));
        if (x->leaves == NULL) {
            stop(s, "out of memory");
            return;
        }
    }
    leaf = &x->leaves[x->count];
    leaf->path = current_path(s);
    leaf->text = s->text != NULL ? s->text : strdup("");
    s->text = NULL;
    s->text_len = 0;
    if (leaf->path == NULL || leaf->text == NULL) {
        free(leaf->path);
        mod_free_secret(leaf->text);
        stop(s, "out of memory");
        return;
    }
    x->count++;
}

static void XMLCALL
on_end(void *arg, const XML_Char *name)
{
    struct xml_state *s = arg;

    (void) name;
    if (s->depth == 0)
        return;
    if (!s->has_children[s->depth - 1])
        add_leaf(s);
    text_reset(s);
    s->depth--;
    free(s->names[s->depth]);
    s->names[s->depth] = NULL;
}

static void XMLCALL
on_text(void *arg, const XML_Char *data, int len)
{
    struct xml_state *s = arg;
    char *grown;

    if (s->depth == 0 || s->has_children[s->depth - 1] || len <= 0)
        return;
    grown = malloc(s->text_len + (size_t) len + 1);
    if (grown == NULL) {
        stop(s, "out of memory");
        return;
    }
    if (s->text != NULL)
        memcpy(grown, s->text, s->text_len);
    memcpy(grown + s->text_len, data, (size_t) len);
    grown[s->text_len + (size_t) len] = '\0';
    text_reset(s);
    s->text = grown;
    s->text_len = strlen(grown);
}

static void XMLCALL
on_doctype(void *arg, const XML_Char *name, const XML_Char *sysid,
           const XML_Char *pubid, int has_internal_subset)
{
    (void) name;
    (void) sysid;
    (void) pubid;
    (void) has_internal_subset;
    stop(arg, "document type declarations are not accepted");
}

static void
free_leaves(struct net_xml *x)
{
    size_t i;

    for (i = 0; x->leaves != NULL && i < x->count; i++) {
        free(x->leaves[i].path);
        mod_free_secret(x->leaves[i].text);
    }
    free(x->leaves);
    x->leaves = NULL;
    x->count = 0;
}

enum awscred_status
mod_xml_parse(const char *text, size_t len, const char *source,
              struct net_xml *out, struct awscred_error *err)
{
    struct xml_state s;
    enum awscred_status st = AWSCRED_OK;
    enum XML_Status rc;
    size_t i;

    memset(out, 0, sizeof(*out));
    memset(&s, 0, sizeof(s));
    s.out = out;
    if (len > (size_t) INT32_MAX)
        return mod_error(err, AWSCRED_ERR_RETRIEVAL, source,
                         "Unable to parse response from %s: too large", source);
    s.parser = XML_ParserCreateNS(NULL, NS_SEPARATOR);
    if (s.parser == NULL)
        return mod_error(err, AWSCRED_ERR_NOMEM, source, "out of memory");
    XML_SetUserData(s.parser, &s);
    XML_SetElementHandler(s.parser, on_start, on_end);
    XML_SetCharacterDataHandler(s.parser, on_text);
    XML_SetStartDoctypeDeclHandler(s.parser, on_doctype);
    rc = XML_Parse(s.parser, text, (int) len, XML_TRUE);
    if (rc != XML_STATUS_OK || s.failure != NULL || out->count == 0) {
        st = mod_error(
            err, AWSCRED_ERR_RETRIEVAL, source,
            "Unable to parse response (%s, line %lu, column %lu), invalid "
            "XML received from %s",
            s.failure != NULL  ? s.failure
            : out->count == 0 && rc == XML_STATUS_OK ? "no elements"
                                : XML_ErrorString(XML_GetErrorCode(s.parser)),
            (unsigned long) XML_GetCurrentLineNumber(s.parser),
            (unsigned long) XML_GetCurrentColumnNumber(s.parser), source);
        free_leaves(out);
    }
    for (i = 0; i < s.depth; i++)
        free(s.names[i]);
    text_reset(&s);
    XML_ParserFree(s.parser);
    return st;
}
