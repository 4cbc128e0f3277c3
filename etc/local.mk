# Example configuration: the module's INI file, pam.d lines, and the
# pam-auth-update profile (Debian's /usr/share/pam-configs).
examplesdir = $(docdir)/examples
dist_examples_DATA = etc/pam_awscred.conf etc/pam.d-sshd.example
pamconfigsdir = $(datadir)/pam-configs
dist_pamconfigs_DATA = etc/pam-configs/awscred
