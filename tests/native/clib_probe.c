/*
 * Calls the project's stand-ins for GraalVM's C helper libraries (build-tools/native/clibraries) as a native
 * executable does, and prints what they answer, for tests/test_native_clibraries.py.
 *   clib_probe cpu            the CPUFeatures struct, one 0/1 per byte
 *   clib_probe check INDEX... checkCPUFeatures with the builder's mask requiring the fields at INDEX
 *   clib_probe signals        two SIGUSR1 and a SIGUSR2 through the counting handler
 *   clib_probe locale         format and display language/script/country/variant
 *   clib_probe tz             SVM_FindJavaTZmd
 *   clib_probe container      svm_container_* answers
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amd64cpufeatures.h"
#include "svm_locale.h"

int cSunMiscSignal_open(void);
int cSunMiscSignal_awaitSemaphore(void);
int cSunMiscSignal_checkPendingSignal(void);
void *cSunMiscSignal_signalHandlerFunctionPointer(void);
char *SVM_FindJavaTZmd(char *mappings, int length);
int svm_container_initialize(int version);
unsigned long svm_container_physical_memory(void);
long svm_container_memory_limit_in_bytes(void);
int svm_container_active_processor_count(void);

static const char *or_null(const char *text) {
    return text == NULL ? "null" : text;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        return 2;
    }
    if (strcmp(argv[1], "cpu") == 0) {
        CPUFeatures features;
        determineCPUFeatures(&features);
        const unsigned char *bytes = (const unsigned char *) &features;
        for (size_t i = 0; i < sizeof(features); i++) {
            putchar('0' + bytes[i]);
        }
        putchar('\n');
    } else if (strcmp(argv[1], "check") == 0) {
        unsigned char mask[sizeof(CPUFeatures)];
        memset(mask, 0xFF, sizeof(mask));
        for (int i = 2; i < argc; i++) {
            mask[atoi(argv[i])] = 0xFE;
        }
        printf("%d\n", checkCPUFeatures((char *) mask));
    } else if (strcmp(argv[1], "signals") == 0) {
        if (cSunMiscSignal_open() != 0) {
            return 1;
        }
        struct sigaction action;
        memset(&action, 0, sizeof(action));
        action.sa_sigaction = (void (*)(int, siginfo_t *, void *)) cSunMiscSignal_signalHandlerFunctionPointer();
        action.sa_flags = SA_SIGINFO;
        sigaction(SIGUSR1, &action, NULL);
        sigaction(SIGUSR2, &action, NULL);
        raise(SIGUSR1);
        raise(SIGUSR2);
        raise(SIGUSR1);
        for (int i = 0; i < 3; i++) {
            cSunMiscSignal_awaitSemaphore(); /* posted once per signal: never blocks here */
        }
        for (int i = 0; i < 4; i++) {
            printf("%d ", cSunMiscSignal_checkPendingSignal());
        }
        putchar('\n');
    } else if (strcmp(argv[1], "locale") == 0) {
        if (svm_initialize_locale() != SVM_LOCALE_INITIALIZATION_SUCCEEDED) {
            return 1;
        }
        svm_locale_props_t *p = svm_get_locale();
        printf("format %s %s %s %s\n", or_null(p->format_language), or_null(p->format_script),
               or_null(p->format_country), or_null(p->format_variant));
        printf("display %s %s %s %s\n", or_null(p->display_language), or_null(p->display_script),
               or_null(p->display_country), or_null(p->display_variant));
    } else if (strcmp(argv[1], "tz") == 0) {
        char *zone = SVM_FindJavaTZmd(NULL, 0);
        printf("%s\n", or_null(zone));
        free(zone);
    } else if (strcmp(argv[1], "container") == 0) {
        int state = svm_container_initialize(240100);
        printf("state %d\nmemory %ld\nphysical %lu\ncpus %d\n", state, svm_container_memory_limit_in_bytes(),
               svm_container_physical_memory(), svm_container_active_processor_count());
        printf("too-old %d too-new %d\n", svm_container_initialize(240101), svm_container_initialize(240099));
    } else {
        return 2;
    }
    return 0;
}
