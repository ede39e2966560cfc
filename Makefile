# The two commands of the README. Both set up what is missing first.
.PHONY: start test setup build lint typecheck jest bench

start:
	@scripts/setup
	@npm run --silent build
	@npm run --silent build:web
	@node build/server/main.js

test:
	@scripts/setup browser bench
	@npm run --silent lint
	@npm run --silent typecheck
	@mkdir -p test/artifacts
	@npm run --silent build:web
	@npx jest --json --outputFile=test/artifacts/jest-results.json

bench:
	@scripts/setup bench
	@npm run --silent build
	@npm run --silent bench
