# make test is the README's test command: it installs what the tests need and
# runs the whole suite. make check adds what CI adds (gofmt, vet, staticcheck).
.PHONY: test check
test:
	./scripts/test.sh
check:
	./.ci/run
