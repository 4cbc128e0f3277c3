# The providers: one file each, behind struct provider (internal.h).
libawscred_libawscred_core_la_SOURCES += \
	libawscred/providers/env.c \
	libawscred/providers/assume_role.c \
	libawscred/providers/web_identity.c \
	libawscred/providers/sso.h libawscred/providers/sso.c \
	libawscred/providers/sso_token.c libawscred/providers/sso_http.c \
	libawscred/providers/shared_file.c \
	libawscred/providers/login.c \
	libawscred/providers/process.c \
	libawscred/providers/config_file.c \
	libawscred/providers/legacy.c \
	libawscred/providers/container.c \
	libawscred/providers/imds.c \
	libawscred/providers/common.h libawscred/providers/common.c
