/* A minimal check macro for the agent's unit tests: prints the failed condition and exits non-zero. */
#ifndef BW_CHECK_H
#define BW_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(condition)                                                                     \
    do {                                                                                     \
        if (!(condition)) {                                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition);  \
            exit(1);                                                                         \
        }                                                                                    \
    } while (0)

#endif
