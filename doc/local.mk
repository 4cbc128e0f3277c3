# The design notes (doc/README.md), shipped in the tarball.
EXTRA_DIST += doc/README.md doc/design.md doc/credential-chain.md \
	doc/security.md
