/*
 * GraalVM's libreporterchelper.so: the builder's progress report asks it for the terminal's width and the
 * builder's peak RSS (com.oracle.svm.hosted.ProgressReporterCHelper).
 */
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <jni.h>

JNIEXPORT jint JNICALL Java_com_oracle_svm_hosted_ProgressReporterCHelper_getTerminalWindowColumns0(JNIEnv *env, jclass c) {
    struct winsize size;
    return ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 ? size.ws_col : 0;
}

/* ru_maxrss is in KiB on Linux. */
JNIEXPORT jlong JNICALL Java_com_oracle_svm_hosted_ProgressReporterCHelper_getPeakRSS0(JNIEnv *env, jclass c) {
    struct rusage usage;
    return getrusage(RUSAGE_SELF, &usage) == 0 ? (jlong) usage.ru_maxrss * 1024 : -1;
}
