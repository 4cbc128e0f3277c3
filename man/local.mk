# (filled by its owner)
dist_man_MANS += man/awscred.1
dist_man_MANS += man/libawscred.3
dist_man_MANS += man/pam_awscred.8 man/pam_awscred.conf.5
dist_man_MANS += man/awscredd.8
