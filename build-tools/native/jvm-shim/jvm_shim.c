/*
 * A libjvm.so for native executables linked against the JDK's shared libraries (libjava, libnio, libnet,
 * libzip, libextnet): those libraries import JVM_* and jio_* functions from HotSpot's libjvm, which must not
 * be in a native executable's process. The functions below are the ones such JDK native code reaches in a
 * native image and are implemented for real; build.sh generates, for every other symbol the libraries
 * import, a function that says which one was called and aborts (jvm_missing.c). The set was found by
 * building and running the stages natively: extend it from what a run reports, never by guessing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <jni.h>

#define EXPORT __attribute__((visibility("default")))

/* Milliseconds since the epoch (System.currentTimeMillis). */
EXPORT jlong JVM_CurrentTimeMillis(JNIEnv *env, jclass ignored) {
    struct timeval now;
    gettimeofday(&now, NULL);
    return (jlong) now.tv_sec * 1000 + now.tv_usec / 1000;
}

/* A monotonic clock in nanoseconds (System.nanoTime). */
EXPORT jlong JVM_NanoTime(JNIEnv *env, jclass ignored) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (jlong) now.tv_sec * 1000000000L + now.tv_nsec;
}

/*
 * Nanoseconds since offsetSeconds (the epoch-based clock of java.time.Instant.now): -1 when the offset is
 * more than 2^32 seconds away, which tells the caller to pick a new offset, as HotSpot does.
 */
EXPORT jlong JVM_GetNanoTimeAdjustment(JNIEnv *env, jclass ignored, jlong offsetSeconds) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    jlong diff = (jlong) now.tv_sec - offsetSeconds;
    if (diff >= 0x100000000L || diff <= -0x100000000L) {
        return -1;
    }
    return diff * 1000000000L + now.tv_nsec;
}

/* The CPUs this process may run on (its affinity mask; a container's CPU quota is svm's own business). */
EXPORT jint JVM_ActiveProcessorCount(void) {
    cpu_set_t cpus;
    if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0) {
        int count = CPU_COUNT(&cpus);
        if (count > 0) {
            return count;
        }
    }
    return 1;
}

/* Runtime.halt: the process ends with the code, stdio flushed. */
EXPORT void JVM_Halt(jint code) {
    exit(code);
}

/* Called before JVM_Halt; HotSpot posts a JFR event here. Nothing to do. */
EXPORT void JVM_BeforeHalt(void) {
}

/* Linux paths need no conversion (HotSpot's os::native_path returns them unchanged). */
EXPORT char *JVM_NativePath(char *path) {
    return path;
}

/* JNI versions 1.1 to 25 (JNI_VERSION_1_1 .. JNI_VERSION_24, the newest a JDK 25 library asks for). */
EXPORT jboolean JVM_IsSupportedJNIVersion(jint version) {
    switch (version) {
        case 0x00010001: case 0x00010002: case 0x00010004: case 0x00010006: case 0x00010008:
        case 0x00090000: case 0x000a0000: case 0x00130000: case 0x00140000: case 0x00150000: case 0x00180000:
            return JNI_TRUE;
        default:
            return JNI_FALSE;
    }
}

/* Whether HotSpot would read cgroup limits; the JDK's container metrics ask before they read them. */
EXPORT jboolean JVM_IsUseContainerSupport(void) {
    return JNI_TRUE;
}

/* HotSpot says whether it found itself in a container; a native image has no such probe here. */
EXPORT jboolean JVM_IsContainerized(void) {
    return JNI_FALSE;
}

/* java.io.tmpdir's default. */
EXPORT jstring JVM_GetTemporaryDirectory(JNIEnv *env) {
    return (*env)->NewStringUTF(env, "/tmp");
}

/* Signal numbers by the names sun.misc.Signal uses ("TERM", "INT", ...); -1 when unknown. */
EXPORT jint JVM_FindSignal(const char *name) {
    static const struct { const char *name; int number; } signals[] = {
        {"HUP", SIGHUP}, {"INT", SIGINT}, {"QUIT", SIGQUIT}, {"ILL", SIGILL}, {"TRAP", SIGTRAP},
        {"ABRT", SIGABRT}, {"BUS", SIGBUS}, {"FPE", SIGFPE}, {"KILL", SIGKILL}, {"USR1", SIGUSR1},
        {"SEGV", SIGSEGV}, {"USR2", SIGUSR2}, {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
        {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP}, {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},
        {"TTOU", SIGTTOU}, {"URG", SIGURG}, {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM},
        {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO}, {"PWR", SIGPWR}, {"SYS", SIGSYS},
    };
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
        if (strcmp(name, signals[i].name) == 0) {
            return signals[i].number;
        }
    }
    return -1;
}

EXPORT jboolean JVM_RaiseSignal(jint sig) {
    return raise(sig) == 0 ? JNI_TRUE : JNI_FALSE;
}

/* HotSpot's jio_* are vsnprintf and vfprintf that always terminate the buffer and return -1 on overflow. */
EXPORT int jio_vsnprintf(char *buffer, size_t size, const char *format, va_list args) {
    if (size == 0) {
        return -1;
    }
    int written = vsnprintf(buffer, size, format, args);
    buffer[size - 1] = '\0';
    return written < 0 || (size_t) written >= size ? -1 : written;
}

EXPORT int jio_snprintf(char *buffer, size_t size, const char *format, ...) {
    va_list args;
    va_start(args, format);
    int written = jio_vsnprintf(buffer, size, format, args);
    va_end(args);
    return written;
}

EXPORT int jio_vfprintf(FILE *file, const char *format, va_list args) {
    return vfprintf(file, format, args);
}

EXPORT int jio_fprintf(FILE *file, const char *format, ...) {
    va_list args;
    va_start(args, format);
    int written = jio_vfprintf(file, format, args);
    va_end(args);
    return written;
}

/* What every function jvm_missing.c defines calls: the name, then an abort (a core, exit 134). */
EXPORT void podstage_jvm_missing(const char *name) {
    fprintf(stderr, "podstage native: %s is not implemented by the project's libjvm shim"
            " (build-tools/native/jvm-shim): a JDK native method of this executable called it\n", name);
    fflush(stderr);
    abort();
}
