/*
 * fuzz_container_url.c: the allow-list check on
 * AWS_CONTAINER_CREDENTIALS_FULL_URI (check_allowed_url in
 * providers/container.c, static, hence the include), differentially
 * against libcurl's own URL parser with the flags curl_easy_perform uses,
 * since libcurl is what finally connects (security.md D4: a full URI
 * naming a host outside the allow-list is refused).
 *
 * Property: whenever the check accepts a URL that libcurl parses, libcurl
 * would connect with https, or to a loopback literal or an allowed host.
 *
 * SPDX-License-Identifier: MIT
 */
#include "../../libawscred/providers/container.c"

#include <ctype.h>
#include <curl/curl.h>

#include "fuzz.h"

/* The host curl would connect to, lower-cased, without brackets. */
static bool
curl_target(const char *url, char *scheme, size_t scheme_size, char *host,
            size_t host_size)
{
    CURLU *u = curl_url();
    char *s = NULL, *h = NULL;
    bool ok = false;

    if (u == NULL)
        abort();
    if (curl_url_set(u, CURLUPART_URL, url,
                     CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK
        && curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK
        && curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
        size_t n = strlen(h);
        const char *start = h;

        if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
            start++;
            n -= 2;
        }
        /* A zone id ("fe80::1%25eth0") is not part of the address. */
        if (n < host_size && strlen(s) < scheme_size) {
            for (size_t i = 0; i < n; i++)
                host[i] = (char) tolower((unsigned char) start[i]);
            host[n] = '\0';
            snprintf(scheme, scheme_size, "%s", s);
            ok = true;
        }
    }
    curl_free(s);
    curl_free(h);
    curl_url_cleanup(u);
    return ok;
}

static bool
allowed_target(const char *scheme, const char *host)
{
    if (strcmp(scheme, "https") == 0 || is_loopback_literal(host))
        return true;
    for (const char *const *h = allowed_hosts; *h != NULL; h++)
        if (strcmp(host, *h) == 0)
            return true;
    return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *url = fuzz_cstring(data, size);
    struct awscred_error err;
    char scheme[64], host[512];

    if (strlen(url) == size && check_allowed_url(url, &err) == AWSCRED_OK
        && curl_target(url, scheme, sizeof scheme, host, sizeof host)
        && !allowed_target(scheme, host)) {
        fprintf(stderr, "accepted %s: curl connects to %s://%s\n", url,
                scheme, host);
        FUZZ_REQUIRE(false);
    }
    free(url);
    return 0;
}
