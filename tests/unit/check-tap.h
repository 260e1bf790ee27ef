/* Every unit test binary reports in TAP so that each case is counted. */
#ifndef LT_CHECK_TAP_H
#define LT_CHECK_TAP_H

#include <check.h>
#include <stdlib.h>

#define LT_CHECK_MAIN(suite_fn)						\
int									\
main(void)								\
{									\
	SRunner *sr = srunner_create(suite_fn());			\
									\
	srunner_set_tap(sr, "-");					\
	srunner_run_all(sr, CK_SILENT);					\
	srunner_free(sr);						\
	return 0;							\
}

#endif
