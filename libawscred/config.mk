# The AWS config/credentials reader (config*.c) and Python's shlex.split.
libawscred_libawscred_core_la_SOURCES += \
	libawscred/config_impl.h libawscred/config_map.c \
	libawscred/config_parse.c libawscred/config_lower.c libawscred/config.c \
	libawscred/shlex.c
