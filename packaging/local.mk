# Packaging: Debian (packaging/debian), RPM (packaging/rpm), the
# pam-auth-update profile and packaging/build-packages.sh, which builds the
# packages from the tarball `make dist` makes. All of it ships in the
# tarball so that a distribution can build from a release.
EXTRA_DIST += \
	LICENSE \
	build-aux/tap-driver.sh \
	etc/pam-configs/awscred \
	packaging/build-packages.sh \
	packaging/debian/awscred.install \
	packaging/debian/awscred.lintian-overrides \
	packaging/debian/changelog \
	packaging/debian/control \
	packaging/debian/copyright \
	packaging/debian/libawscred-dev.install \
	packaging/debian/libawscred-dev.lintian-overrides \
	packaging/debian/libawscred0.install \
	packaging/debian/libawscred0.lintian-overrides \
	packaging/debian/libawscred0.symbols \
	packaging/debian/libpam-awscred.README.Debian \
	packaging/debian/libpam-awscred.install \
	packaging/debian/libpam-awscred.links \
	packaging/debian/libpam-awscred.lintian-overrides \
	packaging/debian/libpam-awscred.postinst \
	packaging/debian/libpam-awscred.prerm \
	packaging/debian/not-installed \
	packaging/debian/rules \
	packaging/debian/source/format \
	packaging/debian/source/lintian-overrides \
	packaging/rpm/README \
	packaging/rpm/pam_awscred.spec

# distcheck runs the suite again from a read-only source tree and installs
# into a scratch prefix. The PAM module would go to the system's security
# directory (an absolute --with-pamdir default): keep it in the prefix.
# The sshd tests (a real sshd, as root) and the install test (packages on
# the machine) run in `make check` only.
DISTCHECK_CONFIGURE_FLAGS = --with-pamdir='$${libdir}/security' \
	--disable-sshd-tests
