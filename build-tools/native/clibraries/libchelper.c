/*
 * The rest of GraalVM's liblibchelper: the small C functions Substrate VM's Java code calls (@CFunction) where
 * a C macro, a variadic call or an async-signal-safe handler is needed. Each behaves as the JDK or HotSpot
 * function it stands for (named per function).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "svm_locale.h"

extern char **environ;

/* ---- sun.misc.Signal: a handler that only counts and posts a semaphore; a Java thread dispatches. ---- */

static atomic_int pending_signals[NSIG];
static sem_t signal_semaphore;
static atomic_bool signal_semaphore_open;

int cSunMiscSignal_open(void) {
    if (atomic_exchange(&signal_semaphore_open, true)) {
        return -1;
    }
    return sem_init(&signal_semaphore, 0, 0);
}

int cSunMiscSignal_close(void) {
    if (!atomic_exchange(&signal_semaphore_open, false)) {
        return -1;
    }
    return sem_destroy(&signal_semaphore);
}

int cSunMiscSignal_awaitSemaphore(void) {
    int result;
    do {
        result = sem_wait(&signal_semaphore);
    } while (result == -1 && errno == EINTR);
    return result;
}

int cSunMiscSignal_signalSemaphore(void) {
    return sem_post(&signal_semaphore);
}

bool cSunMiscSignal_signalRangeCheck(int signal) {
    return signal > 0 && signal < NSIG;
}

/* A signal that arrived and was not dispatched yet (its count taken down by one), or -1. */
int cSunMiscSignal_checkPendingSignal(void) {
    for (int signal = 1; signal < NSIG; signal++) {
        int count = atomic_load(&pending_signals[signal]);
        while (count > 0) {
            if (atomic_compare_exchange_weak(&pending_signals[signal], &count, count - 1)) {
                return signal;
            }
        }
    }
    return -1;
}

/* Async-signal-safe: an atomic increment and sem_post, nothing else. */
static void count_signal(int signal, siginfo_t *info, void *context) {
    (void) info;
    (void) context;
    if (cSunMiscSignal_signalRangeCheck(signal)) {
        int saved = errno;
        atomic_fetch_add(&pending_signals[signal], 1);
        sem_post(&signal_semaphore);
        errno = saved;
    }
}

void *cSunMiscSignal_signalHandlerFunctionPointer(void) {
    return (void *) &count_signal;
}

/* ---- Threads ---- */

int getThreadId(void) {
    return (int) syscall(SYS_gettid);
}

/* A thread's user CPU time in nanoseconds from /proc (HotSpot's slow_thread_cpu_time), or -1. */
long getThreadUserTimeSlow(int tid) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        return -1;
    }
    char line[2048];
    size_t length = fread(line, 1, sizeof(line) - 1, file);
    fclose(file);
    line[length] = '\0';
    /* The command name may hold spaces and parentheses: the fields start after the last ')'. */
    char *rest = strrchr(line, ')');
    unsigned long user_ticks;
    if (rest == NULL
        || sscanf(rest + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu", &user_ticks) != 1) {
        return -1;
    }
    long ticks_per_second = sysconf(_SC_CLK_TCK);
    return (long) (user_ticks * (1000000000L / ticks_per_second));
}

/* ---- Locale: the JDK's ParseLocale (java_props_md.c) for the display and format categories. ---- */

static svm_locale_props_t locale_props;

static const char *script_of_modifier(const char *modifier) {
    static const struct { const char *modifier; const char *script; } scripts[] = {
        {"cyrillic", "Cyrl"}, {"devanagari", "Deva"}, {"iqtelif", "Latn"}, {"latin", "Latn"}, {"Arab", "Arab"},
        {"Cyrl", "Cyrl"}, {"Deva", "Deva"}, {"Ethi", "Ethi"}, {"Hans", "Hans"}, {"Hant", "Hant"}, {"Latn", "Latn"},
        {"Sund", "Sund"}, {"Syrc", "Syrc"}, {"Tfng", "Tfng"},
    };
    for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
        if (strcmp(modifier, scripts[i].modifier) == 0) {
            return scripts[i].script;
        }
    }
    return NULL;
}

/* "ll_CC.encoding@modifier" → language, script, country, variant; C and POSIX read as en_US, as the JDK does. */
static int parse_locale(int category, char **language, char **script, char **country, char **variant) {
    const char *current = setlocale(category, NULL);
    if (current == NULL || strcmp(current, "C") == 0 || strcmp(current, "POSIX") == 0) {
        current = "en_US";
    }
    char *copy = strdup(current);
    if (copy == NULL) {
        return -1;
    }
    char *modifier = strchr(copy, '@');
    if (modifier != NULL) {
        *modifier++ = '\0';
    }
    char *encoding = strchr(copy, '.');
    if (encoding != NULL) {
        *encoding = '\0';
    }
    char *region = strchr(copy, '_');
    if (region != NULL) {
        *region++ = '\0';
    }
    /* "C.UTF-8" and the like: the JDK's language table maps C and POSIX to English. */
    *language = strdup(strcmp(copy, "C") == 0 || strcmp(copy, "POSIX") == 0 ? "en" : copy);
    *country = region != NULL && *region != '\0' ? strdup(region) : NULL;
    *script = NULL;
    *variant = NULL;
    if (modifier != NULL) {
        const char *from_modifier = script_of_modifier(modifier);
        if (from_modifier != NULL) {
            *script = strdup(from_modifier);
        } else if (strcmp(modifier, "euro") != 0) {
            *variant = strdup(modifier);
        }
    }
    free(copy);
    return *language == NULL ? -1 : 0;
}

int svm_initialize_locale(void) {
    setlocale(LC_ALL, "");
    if (parse_locale(LC_CTYPE, &locale_props.format_language, &locale_props.format_script,
                     &locale_props.format_country, &locale_props.format_variant) != 0
        || parse_locale(LC_MESSAGES, &locale_props.display_language, &locale_props.display_script,
                        &locale_props.display_country, &locale_props.display_variant) != 0) {
        return SVM_LOCALE_INITIALIZATION_OUT_OF_MEMORY;
    }
    return SVM_LOCALE_INITIALIZATION_SUCCEEDED;
}

void *svm_get_locale(void) {
    return &locale_props;
}

/* ---- Time zone: the JDK's findJavaTZ_md on Linux (TimeZone_md.c), without the zoneinfo file scan. ---- */

/* The zone of a zoneinfo path (".../zoneinfo/Europe/Berlin" → "Europe/Berlin"), or NULL. */
static char *zone_of_path(const char *path) {
    const char *zoneinfo = strstr(path, "zoneinfo/");
    if (zoneinfo == NULL) {
        return NULL;
    }
    const char *zone = zoneinfo + strlen("zoneinfo/");
    if (strncmp(zone, "posix/", 6) == 0) {
        zone += 6;
    }
    return strdup(zone);
}

/* Debian's /etc/timezone, else the zone the /etc/localtime link points at. */
static char *platform_zone(void) {
    FILE *file = fopen("/etc/timezone", "r");
    if (file != NULL) {
        char line[256];
        char *zone = fgets(line, sizeof(line), file) != NULL ? line : NULL;
        fclose(file);
        if (zone != NULL) {
            zone[strcspn(zone, " \t\n")] = '\0';
            if (*zone != '\0') {
                return strdup(zone);
            }
        }
    }
    char target[4096];
    ssize_t length = readlink("/etc/localtime", target, sizeof(target) - 1);
    if (length > 0) {
        target[length] = '\0';
        return zone_of_path(target);
    }
    return NULL;
}

/*
 * The zone id (malloc'd; the caller frees it) or NULL, when Java falls back to the GMT offset. $TZ wins, less a
 * leading ':' and "posix/"; the Java side turns an id it does not know (a path, say) into the GMT offset.
 */
char *SVM_FindJavaTZmd(char *mappings, int length) {
    (void) mappings;
    (void) length;
    const char *tz = getenv("TZ");
    if (tz == NULL || *tz == '\0') {
        return platform_zone();
    }
    if (*tz == ':') {
        tz++;
    }
    if (strncmp(tz, "posix/", 6) == 0) {
        tz += 6;
    }
    return strdup(tz);
}

/* ---- Calls Java cannot make as they are (variadic, macros, symbol versions). ---- */

char **getEnviron(void) {
    return environ;
}

int fprintfSD(FILE *file, char *format, char *text, int number) {
    return fprintf(file, format, text, number);
}

int openSII(const char *path, int flags, int mode) {
    return open(path, flags, mode);
}

void *mremapP(void *address, size_t old_size, size_t new_size, int flags, void *new_address) {
    return mremap(address, old_size, new_size, flags, new_address);
}
