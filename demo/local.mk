# The quick-start demo: a real PAM login (demo.sh) through pam-login.
noinst_PROGRAMS += demo/pam-login
demo_pam_login_SOURCES = demo/pam-login.c
demo_pam_login_LDADD = $(PAM_LIBS)
EXTRA_DIST += demo.sh demo/config demo/credentials
