#ifndef FLK_CLIBGIT2_SHIM_H
#define FLK_CLIBGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/repository.h>

/* Typed wrappers for the variadic git_libgit2_opts. Process-global: call before concurrency. */
static inline int flk_git_opts_set_search_path(int level, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, path);
}
static inline int flk_git_opts_set_ssl_cert_locations(const char *file, const char *dir) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, dir);
}
static inline int flk_git_opts_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}
static inline int flk_git_opts_set_user_agent(const char *ua) {
    return git_libgit2_opts(GIT_OPT_SET_USER_AGENT, ua);
}
/* The thread-local last error, copied out by the caller at once. */
static inline int flk_git_last_error_class(void) { const git_error *e = git_error_last(); return e ? e->klass : 0; }
static inline const char *flk_git_last_error_message(void) { const git_error *e = git_error_last(); return e ? e->message : 0; }
#endif
