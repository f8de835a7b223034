// SPDX-License-Identifier: GPL-2.0
/*
 * Native runner for the KUnit API subset in include/kunit/test.h: runs every
 * registered suite (or those named on the command line, as glob patterns),
 * prints KTAP version 1 like the kernel does, and closes with the plain line
 * "N passed, N failed" (N skipped when any were skipped) that CI reads.
 * Exit code: 0 when nothing failed, 1 otherwise.
 */
#include <kunit/test.h>

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_SUITES 512

static struct kunit_suite *suites[MAX_SUITES];
static int nr_suites;

struct kunit_resource_node {
	struct kunit_resource_node *next;
	kunit_action_t *action;
	void *ctx;
	void *mem;	/* managed allocation when action == NULL */
};

void kunit_user_register(struct kunit_suite **s, int n)
{
	for (int i = 0; i < n; i++) {
		if (nr_suites == MAX_SUITES) {
			fprintf(stderr, "kunit: too many suites\n");
			exit(2);
		}
		suites[nr_suites++] = s[i];
	}
}

static struct kunit_resource_node *add_node(struct kunit *test)
{
	struct kunit_resource_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->next = test->resources;
	test->resources = n;
	return n;
}

void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, gfp_t gfp)
{
	struct kunit_resource_node *node;
	void *p;

	(void)gfp;
	if (size && n > SIZE_MAX / size)
		return NULL;
	p = malloc((n * size) != 0 ? n * size : 1);
	if (!p)
		return NULL;
	node = add_node(test);
	if (!node) {
		free(p);
		return NULL;
	}
	node->mem = p;
	return p;
}

void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	void *p = kunit_kmalloc_array(test, 1, size, gfp);

	if (p)
		memset(p, 0, size);
	return p;
}

void kunit_kfree(struct kunit *test, const void *ptr)
{
	for (struct kunit_resource_node *n = test->resources; n; n = n->next) {
		if (n->mem == ptr && ptr) {
			free(n->mem);
			n->mem = NULL;
			return;
		}
	}
}

int kunit_add_action(struct kunit *test, kunit_action_t *action, void *ctx)
{
	struct kunit_resource_node *node = add_node(test);

	if (!node)
		return -12;
	node->action = action;
	node->ctx = ctx;
	return 0;
}

static void release_resources(struct kunit *test)
{
	struct kunit_resource_node *n = test->resources, *next;

	for (; n; n = next) {
		next = n->next;
		if (n->action)
			n->action(n->ctx);
		free(n->mem);
		free(n);
	}
	test->resources = NULL;
}

void kunit_log_msg(struct kunit *test, const char *level, const char *fmt, ...)
{
	va_list ap;

	(void)test;
	printf("        # %s", level);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (fmt[0] && fmt[strlen(fmt) - 1] != '\n')
		putchar('\n');
}

void kunit_mark_skipped_msg(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	if (test->status == KUNIT_FAILURE)
		return;
	test->status = KUNIT_SKIPPED;
	va_start(ap, fmt);
	vsnprintf(test->status_comment, sizeof(test->status_comment), fmt, ap);
	va_end(ap);
}

void kunit_user_abort(struct kunit *test)
{
	longjmp(test->abort_jmp, 1);
}

void kunit_user_fail(struct kunit *test, const char *file, int line,
		     const char *kind, const char *expr, const char *fmt, ...)
{
	va_list ap;

	test->status = KUNIT_FAILURE;
	printf("        # %s: %s:%d\n        %s failed: %s\n", test->name,
	       file, line, kind, expr);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

struct totals {
	int passed, failed, skipped;
};

static void count(struct totals *t, enum kunit_status s)
{
	if (s == KUNIT_SUCCESS)
		t->passed++;
	else if (s == KUNIT_FAILURE)
		t->failed++;
	else
		t->skipped++;
}

static const char *ktap_result(enum kunit_status s)
{
	return s == KUNIT_FAILURE ? "not ok" : "ok";
}

/* Run one invocation (one case, or one parameter of a case). */
static enum kunit_status run_one(struct kunit_suite *suite,
				 struct kunit_case *c, const void *param,
				 int index, char *comment, size_t comment_len)
{
	/* On the heap: its fields change between setjmp() and longjmp(). */
	struct kunit *test = calloc(1, sizeof(*test));
	enum kunit_status status;

	if (!test) {
		fprintf(stderr, "kunit: out of memory\n");
		exit(2);
	}
	test->name = c->name;
	test->param_value = param;
	test->param_index = index;
	test->status = KUNIT_SUCCESS;
	if (setjmp(test->abort_jmp) == 0) {
		if (suite->init && suite->init(test))
			kunit_user_fail(test, __FILE__, __LINE__, "INIT",
					suite->name, "    suite init failed\n");
		else
			c->run_case(test);
	}
	if (setjmp(test->abort_jmp) == 0 && suite->exit)
		suite->exit(test);
	release_resources(test);
	snprintf(comment, comment_len, "%s", test->status_comment);
	status = test->status;
	free(test);
	return status;
}

static bool selected(const char *name, int argc, char **argv)
{
	if (argc <= 1)
		return true;
	for (int i = 1; i < argc; i++)
		if (!fnmatch(argv[i], name, 0))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	struct totals t = { 0 };
	int nsel = 0, si = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < nr_suites; i++)
		nsel += selected(suites[i]->name, argc, argv);
	printf("KTAP version 1\n1..%d\n", nsel);
	for (int i = 0; i < nr_suites; i++) {
		struct kunit_suite *s = suites[i];
		enum kunit_status suite_status = KUNIT_SKIPPED;
		int ncases = 0, ci = 0;
		bool suite_ok = true;

		if (!selected(s->name, argc, argv))
			continue;
		si++;
		for (struct kunit_case *c = s->test_cases; c->run_case; c++)
			ncases++;
		printf("    KTAP version 1\n    # Subtest: %s\n    1..%d\n",
		       s->name, ncases);
		if (s->suite_init && s->suite_init(s)) {
			printf("    # %s: suite_init failed\n", s->name);
			suite_ok = false;
		}
		for (struct kunit_case *c = s->test_cases; c->run_case; c++) {
			char comment[256] = "";
			enum kunit_status cs;

			ci++;
			if (!suite_ok) {
				cs = KUNIT_FAILURE;
				count(&t, cs);
			} else if (!c->generate_params) {
				cs = run_one(s, c, NULL, 0, comment, sizeof(comment));
				count(&t, cs);
			} else {
				char desc[KUNIT_PARAM_DESC_SIZE];
				const void *p = NULL;
				int pi = 0;

				cs = KUNIT_SKIPPED;
				printf("        KTAP version 1\n        # Subtest: %s\n",
				       c->name);
				for (;;) {
					enum kunit_status ps;
					char pc[256] = "";

					desc[0] = '\0';
					p = c->generate_params(p, desc);
					if (!p)
						break;
					if (!desc[0])
						snprintf(desc, sizeof(desc), "param-%d", pi);
					ps = run_one(s, c, p, pi, pc, sizeof(pc));
					count(&t, ps);
					printf("        %s %d %s%s%s\n", ktap_result(ps),
					       pi + 1, desc,
					       ps == KUNIT_SKIPPED ? " # SKIP " : "",
					       ps == KUNIT_SKIPPED ? pc : "");
					if (ps == KUNIT_FAILURE)
						cs = KUNIT_FAILURE;
					else if (ps == KUNIT_SUCCESS && cs != KUNIT_FAILURE)
						cs = KUNIT_SUCCESS;
					pi++;
				}
			}
			printf("    %s %d %s%s%s\n", ktap_result(cs), ci, c->name,
			       cs == KUNIT_SKIPPED ? " # SKIP " : "",
			       cs == KUNIT_SKIPPED ? comment : "");
			if (cs == KUNIT_FAILURE)
				suite_status = KUNIT_FAILURE;
			else if (cs == KUNIT_SUCCESS && suite_status != KUNIT_FAILURE)
				suite_status = KUNIT_SUCCESS;
		}
		if (s->suite_exit)
			s->suite_exit(s);
		printf("%s %d %s\n", ktap_result(suite_status), si, s->name);
	}
	if (t.skipped)
		printf("%d passed, %d failed, %d skipped\n",
		       t.passed, t.failed, t.skipped);
	else
		printf("%d passed, %d failed\n", t.passed, t.failed);
	return t.failed ? 1 : 0;
}
