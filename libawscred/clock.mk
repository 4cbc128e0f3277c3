# Clock skew measurement: HTTP Date readings, the STS probe, SNTP and the
# kernel's adjtimex() state (libawscred/clock.c).
libawscred_libawscred_core_la_SOURCES += \
	libawscred/clock.h libawscred/clock.c
