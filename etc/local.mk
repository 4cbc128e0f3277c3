# Example configuration: the module's INI file, pam.d lines, and the
# pam-auth-update profile (Debian's /usr/share/pam-configs).
examplesdir = $(docdir)/examples
dist_examples_DATA = etc/pam_awscred.conf etc/pam.d-sshd.example
pamconfigsdir = $(datadir)/pam-configs
dist_pamconfigs_DATA = etc/pam-configs/awscred
# systemd-tmpfiles' rule for the MFA handles (pam_awscred(8)); it reads
# /usr/lib and /usr/local/lib/tmpfiles.d.
tmpfilesdir = $(prefix)/lib/tmpfiles.d
dist_tmpfiles_DATA = etc/tmpfiles.d/pam_awscred.conf

# The module's configuration file, where pam_awscred(8) looks for it.
# An existing file is an admin's edit and is never overwritten by
# `make install`, and `make uninstall` removes it only when unchanged;
# packages ship it as a conffile instead.
securitydir = $(sysconfdir)/security
install-data-local: install-security-conf
install-security-conf:
	$(MKDIR_P) '$(DESTDIR)$(securitydir)'
	@if test -f '$(DESTDIR)$(securitydir)/pam_awscred.conf'; then \
	  echo "keeping existing $(DESTDIR)$(securitydir)/pam_awscred.conf"; \
	else \
	  echo " $(INSTALL_DATA) $(srcdir)/etc/pam_awscred.conf '$(DESTDIR)$(securitydir)'"; \
	  $(INSTALL_DATA) $(srcdir)/etc/pam_awscred.conf '$(DESTDIR)$(securitydir)/pam_awscred.conf'; \
	fi
uninstall-local: uninstall-security-conf
uninstall-security-conf:
	-cmp -s $(srcdir)/etc/pam_awscred.conf '$(DESTDIR)$(securitydir)/pam_awscred.conf' \
	  && rm -f '$(DESTDIR)$(securitydir)/pam_awscred.conf'
.PHONY: install-security-conf uninstall-security-conf
