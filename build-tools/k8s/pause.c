/*
 * The pod sandbox's pause process: holds the pod's namespaces open and does nothing else. As PID 1
 * of its pid namespace it reaps the zombies of containers that share it, and it exits on SIGINT or
 * SIGTERM, which is how the kubelet stops a sandbox. Built static (gcc -static), so the image is
 * this one file.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int signal_number) {
    (void) signal_number;
    _exit(0);
}

static void reap(int signal_number) {
    (void) signal_number;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        puts("podstage pause 1.0");
        return 0;
    }
    if (getpid() != 1) {
        fputs("warning: pause should be the first process of its pid namespace\n", stderr);
    }
    struct sigaction on_stop = {.sa_handler = stop};
    struct sigaction on_child = {.sa_handler = reap, .sa_flags = SA_NOCLDSTOP};
    if (sigaction(SIGINT, &on_stop, NULL) < 0 || sigaction(SIGTERM, &on_stop, NULL) < 0
        || sigaction(SIGCHLD, &on_child, NULL) < 0) {
        perror("sigaction");
        return 1;
    }
    for (;;) {
        pause();
    }
}
