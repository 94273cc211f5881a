/* The function the test's second interposer wraps: an ordinary library's. */
__attribute__((visibility("default"))) int bw_probe(int value) {
    return value * 2;
}
