/*
 * GraalVM's libsvm_container: the cgroup limits a native executable sizes its heap and its thread pools by,
 * so that a pod with a 512 MiB limit does not size itself by the node's memory. It answers as HotSpot's
 * cgroup code does (os/linux/cgroupSubsystem_linux.cpp): byte counts, -1 for no limit, -2 for a file that
 * could not be read; cgroup v1 (memory and cpu controllers) or v2 (unified).
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

/* The folders of this process's cgroup: the memory and the cpu controller's (the same one on cgroup v2). */
static char memory_dir[4096];
static char cpu_dir[4096];
static int unified;

typedef struct {
    char mount[1024];
    char root[1024];
} mount_point;

/* A controller's folder: where its hierarchy is mounted plus this process's path in it, less the mount's root. */
static void controller_dir(char *dir, size_t size, const mount_point *where, const char *path) {
    size_t root = strlen(where->root);
    const char *below = strncmp(path, where->root, root) == 0 && strcmp(where->root, "/") != 0 ? path + root : path;
    snprintf(dir, size, "%s%s", where->mount, strcmp(below, "/") == 0 ? "" : below);
    if (access(dir, R_OK) != 0) {
        /* Outside the process's cgroup namespace view: the hierarchy's root holds the files. */
        snprintf(dir, size, "%s", where->mount);
    }
}

static int has_option(const char *options, const char *wanted) {
    char copy[1024];
    snprintf(copy, sizeof(copy), "%s", options);
    for (char *option = strtok(copy, ","); option != NULL; option = strtok(NULL, ",")) {
        if (strcmp(option, wanted) == 0) {
            return 1;
        }
    }
    return 0;
}

/*
 * As HotSpot does on a hybrid host: the v1 memory and cpu controllers when they are mounted (/proc/self/mountinfo),
 * else the unified (v2) hierarchy; the process's paths come from /proc/self/cgroup.
 */
static void find_cgroup_dirs(void) {
    char v2_path[1024] = "", memory_path[1024] = "", cpu_path[1024] = "";
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
            snprintf(v2_path, sizeof(v2_path), "%s", path);
        } else {
            if (has_option(controllers, "memory")) {
                snprintf(memory_path, sizeof(memory_path), "%s", path);
            }
            if (has_option(controllers, "cpu")) {
                snprintf(cpu_path, sizeof(cpu_path), "%s", path);
            }
        }
    }
    fclose(file);

    mount_point v2 = {"", ""}, memory = {"", ""}, cpu = {"", ""};
    file = fopen("/proc/self/mountinfo", "r");
    if (file == NULL) {
        return;
    }
    while (fgets(line, sizeof(line), file) != NULL) {
        char root[1024], mount[1024], type[64], options[1024];
        char *separator = strstr(line, " - ");
        if (separator == NULL || sscanf(line, "%*s %*s %*s %1023s %1023s", root, mount) != 2
            || sscanf(separator + 3, "%63s %*s %1023s", type, options) != 2) {
            continue;
        }
        mount_point found;
        snprintf(found.mount, sizeof(found.mount), "%s", mount);
        snprintf(found.root, sizeof(found.root), "%s", root);
        if (strcmp(type, "cgroup2") == 0) {
            v2 = found;
        } else if (strcmp(type, "cgroup") == 0) {
            if (has_option(options, "memory")) {
                memory = found;
            }
            if (has_option(options, "cpu")) {
                cpu = found;
            }
        }
    }
    fclose(file);

    if (*memory.mount != '\0' && *memory_path != '\0') {
        controller_dir(memory_dir, sizeof(memory_dir), &memory, memory_path);
        if (*cpu.mount != '\0' && *cpu_path != '\0') {
            controller_dir(cpu_dir, sizeof(cpu_dir), &cpu, cpu_path);
        }
    } else if (*v2.mount != '\0') {
        unified = 1;
        controller_dir(memory_dir, sizeof(memory_dir), &v2, v2_path);
        snprintf(cpu_dir, sizeof(cpu_dir), "%s", memory_dir);
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
