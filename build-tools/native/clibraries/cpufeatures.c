/*
 * determineCPUFeatures and the start-up check of GraalVM's liblibchelper for amd64: the builder compiles the
 * executable for a set of CPU features (-march) and the executable refuses to start on a CPU without them;
 * at run time it also picks stubs by what this reports. Reporting a feature the CPU or the OS lacks ends in
 * SIGILL, so each one is read from CPUID (and XGETBV for the register state the OS saves), as HotSpot's
 * VM_Version does. The struct comes from the builder's own declaration (include/amd64cpufeatures.h).
 */
#if defined(__x86_64__)
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amd64cpufeatures.h"

#define BIT(value, n) ((char) (((value) >> (n)) & 1))

typedef struct {
    uint32_t eax, ebx, ecx, edx;
} cpuid_regs;

static cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf) {
    cpuid_regs r = {0, 0, 0, 0};
    if ((uint32_t) __get_cpuid_max(leaf & 0x80000000u, NULL) >= leaf) {
        __cpuid_count(leaf, subleaf, r.eax, r.ebx, r.ecx, r.edx);
    }
    return r;
}

static uint64_t xgetbv0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t) edx << 32) | eax;
}

void determineCPUFeatures(void *features) {
    CPUFeatures *f = (CPUFeatures *) features;
    memset(f, 0, sizeof(*f));
    cpuid_regs std1 = cpuid(1, 0);
    cpuid_regs std7 = cpuid(7, 0);
    cpuid_regs std7_1 = cpuid(7, 1);
    cpuid_regs ext1 = cpuid(0x80000001u, 0);
    cpuid_regs ext7 = cpuid(0x80000007u, 0);

    /* The OS must save the registers a feature uses: XMM|YMM for AVX, opmask|ZMM for AVX-512. */
    int os_xsave = BIT(std1.ecx, 27);
    uint64_t xcr0 = os_xsave ? xgetbv0() : 0;
    int os_avx = (xcr0 & 0x6) == 0x6;
    int os_avx512 = os_avx && (xcr0 & 0xe0) == 0xe0;
    int os_apx = (xcr0 & 0x80000) != 0;

    f->fTSC = BIT(std1.edx, 4);
    f->fCX8 = BIT(std1.edx, 8);
    f->fCMOV = BIT(std1.edx, 15);
    f->fFLUSH = BIT(std1.edx, 19);
    f->fMMX = BIT(std1.edx, 23);
    f->fFXSR = BIT(std1.edx, 24);
    f->fSSE = BIT(std1.edx, 25);
    f->fSSE2 = BIT(std1.edx, 26);
    f->fHT = BIT(std1.edx, 28);
    f->fSSE3 = BIT(std1.ecx, 0);
    f->fCLMUL = BIT(std1.ecx, 1);
    f->fSSSE3 = BIT(std1.ecx, 9);
    f->fSSE4_1 = BIT(std1.ecx, 19);
    f->fSSE4_2 = BIT(std1.ecx, 20);
    f->fPOPCNT = BIT(std1.ecx, 23);
    f->fAES = BIT(std1.ecx, 25);
    f->fHV = BIT(std1.ecx, 31);
    if (os_avx) {
        f->fFMA = BIT(std1.ecx, 12);
        f->fAVX = BIT(std1.ecx, 28);
        f->fF16C = BIT(std1.ecx, 29);
        f->fAVX2 = BIT(std7.ebx, 5);
        f->fAVX_IFMA = BIT(std7_1.eax, 23);
        f->fSHA512 = BIT(std7_1.eax, 0);
        f->fVZEROUPPER = f->fAVX;
    }
    f->fBMI1 = BIT(std7.ebx, 3);
    f->fBMI2 = BIT(std7.ebx, 8);
    f->fERMS = BIT(std7.ebx, 9);
    f->fRTM = BIT(std7.ebx, 11);
    f->fADX = BIT(std7.ebx, 19);
    f->fFLUSHOPT = BIT(std7.ebx, 23);
    f->fCLWB = BIT(std7.ebx, 24);
    f->fSHA = BIT(std7.ebx, 29);
    f->fPKU = BIT(std7.ecx, 3);
    f->fOSPKE = BIT(std7.ecx, 4);
    f->fCET_SS = BIT(std7.ecx, 7);
    f->fGFNI = BIT(std7.ecx, 8);
    f->fRDPID = BIT(std7.ecx, 22);
    f->fFSRM = BIT(std7.edx, 4);
    f->fSERIALIZE = BIT(std7.edx, 14);
    f->fCET_IBT = BIT(std7.edx, 20);
    if (os_avx512) {
        f->fAVX512F = BIT(std7.ebx, 16);
        f->fAVX512DQ = BIT(std7.ebx, 17);
        f->fAVX512_IFMA = BIT(std7.ebx, 21);
        f->fAVX512PF = BIT(std7.ebx, 26);
        f->fAVX512ER = BIT(std7.ebx, 27);
        f->fAVX512CD = BIT(std7.ebx, 28);
        f->fAVX512BW = BIT(std7.ebx, 30);
        f->fAVX512VL = BIT(std7.ebx, 31);
        f->fAVX512_VBMI = BIT(std7.ecx, 1);
        f->fAVX512_VBMI2 = BIT(std7.ecx, 6);
        f->fAVX512_VAES = BIT(std7.ecx, 9);
        f->fAVX512_VPCLMULQDQ = BIT(std7.ecx, 10);
        f->fAVX512_VNNI = BIT(std7.ecx, 11);
        f->fAVX512_BITALG = BIT(std7.ecx, 12);
        f->fAVX512_VPOPCNTDQ = BIT(std7.ecx, 14);
        f->fAVX512_FP16 = BIT(std7.edx, 23);
        if (BIT(std7_1.edx, 19)) {
            /* AVX10: leaf 0x24 gives the version. */
            uint32_t version = cpuid(0x24, 0).ebx & 0xff;
            f->fAVX10_1 = version >= 1;
            f->fAVX10_2 = version >= 2;
        }
    }
    f->fAPX_F = (char) (os_apx && BIT(std7_1.edx, 21));
    f->fLZCNT = BIT(ext1.ecx, 5);
    f->fSSE4A = BIT(ext1.ecx, 6);
    f->fAMD_3DNOW_PREFETCH = BIT(ext1.ecx, 8);
    f->fRDTSCP = BIT(ext1.edx, 27);
    f->fTSCINV_BIT = BIT(ext7.edx, 8);
    /* HotSpot takes the invariant-TSC bit as it is on Intel, AMD and Hygon. */
    f->fTSCINV = f->fTSCINV_BIT;
}

/*
 * 0 when this CPU has every feature the executable was built for. The builder's mask has a byte per struct
 * field: 0xFE where the feature is required, 0xFF elsewhere (CPUFeatureAccessFeatureBase), so a present
 * feature (1) or an unrequired one ORs to 0xFF.
 */
int checkCPUFeatures(char *buildtime) {
    CPUFeatures here;
    determineCPUFeatures(&here);
    const unsigned char *present = (const unsigned char *) &here;
    const unsigned char *mask = (const unsigned char *) buildtime;
    for (size_t i = 0; i < sizeof(here); i++) {
        if ((unsigned char) (present[i] | mask[i]) != 0xFF) {
            return -1;
        }
    }
    return 0;
}

int checkCPUFeaturesOrExit(char *buildtime, char *message) {
    if (checkCPUFeatures(buildtime) != 0) {
        fputs(message, stderr);
        fflush(stderr);
        exit(1);
    }
    return 0;
}
#endif
