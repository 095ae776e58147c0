/*
 * GraalVM's libsvm_container: the cgroup limits a native executable sizes its heap and its thread pools by,
 * so that a pod with a 512 MiB limit does not size itself by the node's memory. It answers as HotSpot's
 * cgroup code does (os/linux/cgroupSubsystem_linux.cpp): byte counts, -1 for no limit, -2 for a file that
 * could not be read. cgroup v2 (unified) first, then the v1 memory and cpu controllers.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LIBCONTAINER_VERSION 240100
#define NOT_CONTAINERIZED 0
#define CONTAINERIZED 1
#define TOO_OLD 2
#define TOO_NEW 3
#define UNLIMITED (-1L)
#define ERROR (-2L)

/* The folders of this process's cgroup: [0] v2 (or v1 memory), [1] v1 cpu; empty when absent. */
static char memory_dir[4096];
static char cpu_dir[4096];
static int unified;

/* "0::/path" (v2) or "N:memory:/path", "N:cpu,cpuacct:/path" (v1) from /proc/self/cgroup. */
static void find_cgroup_dirs(void) {
    FILE *file = fopen("/proc/self/cgroup", "r");
    if (file == NULL) {
        return;
    }
    char line[4096];
    while (fgets(line, sizeof(line), file) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *controllers = strchr(line, ':');
        char *path = controllers != NULL ? strchr(controllers + 1, ':') : NULL;
        if (path == NULL) {
            continue;
        }
        *controllers++ = '\0';
        *path++ = '\0';
        if (strcmp(line, "0") == 0 && *controllers == '\0') {
            snprintf(memory_dir, sizeof(memory_dir), "/sys/fs/cgroup%s", strcmp(path, "/") == 0 ? "" : path);
            snprintf(cpu_dir, sizeof(cpu_dir), "%s", memory_dir);
            unified = 1;
        } else if (!unified) {
            for (char *name = strtok(controllers, ","); name != NULL; name = strtok(NULL, ",")) {
                if (strcmp(name, "memory") == 0) {
                    snprintf(memory_dir, sizeof(memory_dir), "/sys/fs/cgroup/memory%s", path);
                } else if (strcmp(name, "cpu") == 0) {
                    snprintf(cpu_dir, sizeof(cpu_dir), "/sys/fs/cgroup/cpu,cpuacct%s", path);
                }
            }
        }
    }
    fclose(file);
    /* In a cgroup namespace the path is "/" and the files sit at the mount's root; from outside one, the
     * folder must exist. */
    if (unified && access(memory_dir, R_OK) != 0) {
        snprintf(memory_dir, sizeof(memory_dir), "/sys/fs/cgroup");
        snprintf(cpu_dir, sizeof(cpu_dir), "/sys/fs/cgroup");
    }
}

/* The first number of dir/name; "max" reads as UNLIMITED. */
static long read_value(const char *dir, const char *name) {
    if (*dir == '\0') {
        return ERROR;
    }
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        return ERROR;
    }
    char text[64] = "";
    char *read = fgets(text, sizeof(text), file);
    fclose(file);
    if (read == NULL) {
        return ERROR;
    }
    if (strncmp(text, "max", 3) == 0) {
        return UNLIMITED;
    }
    return strtol(text, NULL, 10);
}

/* A "key value" line of memory.stat. */
static long read_stat(const char *key) {
    char path[4200];
    snprintf(path, sizeof(path), "%s/memory.stat", memory_dir);
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        return ERROR;
    }
    char name[128];
    long value;
    long found = ERROR;
    while (fscanf(file, "%127s %ld", name, &value) == 2) {
        if (strcmp(name, key) == 0) {
            found = value;
            break;
        }
    }
    fclose(file);
    return found;
}

static long host_memory(void) {
    return sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
}

/* v1 says "no limit" with a huge number (PAGE_COUNTER_MAX pages): anything at or above the host's memory. */
static long limit_or_unlimited(long value) {
    return value >= host_memory() ? UNLIMITED : value;
}

long svm_container_memory_limit_in_bytes(void) {
    long value = read_value(memory_dir, unified ? "memory.max" : "memory.limit_in_bytes");
    return value < 0 ? value : limit_or_unlimited(value);
}

long svm_container_memory_and_swap_limit_in_bytes(void) {
    if (!unified) {
        long value = read_value(memory_dir, "memory.memsw.limit_in_bytes");
        return value < 0 ? svm_container_memory_limit_in_bytes() : limit_or_unlimited(value);
    }
    long memory = svm_container_memory_limit_in_bytes();
    long swap = read_value(memory_dir, "memory.swap.max");
    if (memory == UNLIMITED || swap == UNLIMITED) {
        return UNLIMITED;
    }
    return swap < 0 ? memory : memory + swap;
}

long svm_container_memory_soft_limit_in_bytes(void) {
    long value = read_value(memory_dir, unified ? "memory.low" : "memory.soft_limit_in_bytes");
    return value <= 0 ? (value == 0 ? UNLIMITED : value) : limit_or_unlimited(value);
}

long svm_container_memory_usage_in_bytes(void) {
    return read_value(memory_dir, unified ? "memory.current" : "memory.usage_in_bytes");
}

long svm_container_memory_max_usage_in_bytes(void) {
    return read_value(memory_dir, unified ? "memory.peak" : "memory.max_usage_in_bytes");
}

long svm_container_rss_usage_in_bytes(void) {
    return read_stat(unified ? "anon" : "rss");
}

long svm_container_cache_usage_in_bytes(void) {
    return read_stat(unified ? "file" : "cache");
}

/* The memory this process may use: the cgroup's limit when lower than the host's. */
unsigned long svm_container_physical_memory(void) {
    long limit = svm_container_memory_limit_in_bytes();
    long host = host_memory();
    return (unsigned long) (limit > 0 && limit < host ? limit : host);
}

/* The CPUs in the affinity mask, capped by the CPU quota rounded up (cpu.max "quota period"). */
int svm_container_active_processor_count(void) {
    cpu_set_t cpus;
    int count = sched_getaffinity(0, sizeof(cpus), &cpus) == 0 ? CPU_COUNT(&cpus) : (int) sysconf(_SC_NPROCESSORS_ONLN);
    long quota = UNLIMITED;
    long period = 0;
    if (unified) {
        char path[4200];
        snprintf(path, sizeof(path), "%s/cpu.max", cpu_dir);
        FILE *file = fopen(path, "r");
        if (file != NULL) {
            char text[64];
            if (fscanf(file, "%63s %ld", text, &period) == 2 && strcmp(text, "max") != 0) {
                quota = strtol(text, NULL, 10);
            }
            fclose(file);
        }
    } else {
        quota = read_value(cpu_dir, "cpu.cfs_quota_us");
        period = read_value(cpu_dir, "cpu.cfs_period_us");
    }
    if (quota > 0 && period > 0) {
        int by_quota = (int) ((quota + period - 1) / period);
        if (by_quota < count) {
            count = by_quota;
        }
    }
    return count > 0 ? count : 1;
}

/* Whether the cgroup file system is mounted read-only, as container runtimes mount it. */
static int cgroup_mount_read_only(void) {
    FILE *file = fopen("/proc/self/mountinfo", "r");
    if (file == NULL) {
        return 0;
    }
    char line[4096];
    int read_only = 0;
    while (!read_only && fgets(line, sizeof(line), file) != NULL) {
        char mount_point[1024], options[1024];
        if (sscanf(line, "%*s %*s %*s %*s %1023s %1023s", mount_point, options) == 2
            && strncmp(mount_point, "/sys/fs/cgroup", 14) == 0 && strstr(line, " - cgroup") != NULL) {
            read_only = strncmp(options, "ro", 2) == 0 && (options[2] == ',' || options[2] == '\0');
        }
    }
    fclose(file);
    return read_only;
}

/* HotSpot counts a process as containerized when its cgroup files are mounted read-only or it has a limit. */
int svm_container_initialize(int version) {
    if (version < LIBCONTAINER_VERSION) {
        return TOO_NEW;
    }
    if (version > LIBCONTAINER_VERSION) {
        return TOO_OLD;
    }
    find_cgroup_dirs();
    if (*memory_dir == '\0') {
        return NOT_CONTAINERIZED;
    }
    if (cgroup_mount_read_only() || svm_container_memory_limit_in_bytes() > 0) {
        return CONTAINERIZED;
    }
    cpu_set_t cpus;
    int affinity = sched_getaffinity(0, sizeof(cpus), &cpus) == 0 ? CPU_COUNT(&cpus) : 0;
    return svm_container_active_processor_count() < affinity ? CONTAINERIZED : NOT_CONTAINERIZED;
}
