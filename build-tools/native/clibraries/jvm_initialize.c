/*
 * svm's libjvm.a is the JVM_* functions the JDK's native code calls (build-tools/native/jvm-shim/jvm_shim.c,
 * linked in a second time here) plus initialize(), which Substrate VM calls once at start-up (Jvm.initialize)
 * so that the library can set up state before the first JVM_* call. The shim's functions keep no state.
 */
void initialize(void) {
}
