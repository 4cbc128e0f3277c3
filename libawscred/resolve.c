/* resolve.c: placeholder until the resolver lands. */
#include "config.h"
#include "internal.h"
