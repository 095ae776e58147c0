/*
 * A JDK library built as a static archive defines JNI_OnLoad_<name> (JNI 1.8, "statically linked
 * libraries"), which Substrate VM calls instead of loading lib<name>.so. Here the library's code is the JDK's
 * shared object, linked dynamically, and this archive only says it is there. build.sh compiles the file
 * once per library with -DLIBRARY=<name>.
 */
#include <jni.h>

#define ONLOAD_NAME(library) JNI_OnLoad_##library
#define ONLOAD(library) ONLOAD_NAME(library)

JNIEXPORT jint JNICALL ONLOAD(LIBRARY)(JavaVM *vm, void *reserved) {
    (void) vm;
    (void) reserved;
    return JNI_VERSION_1_8;
}
