/* results.c - a trainer's results file under its trial directory
 * (results.h). */
#include "sweep/ingest/results.h"
#include "base/util.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *find(const char *dir, const char *const *names, int depth, double *mtime)
{
    DIR *d = opendir(dir);
    if (!d) return NULL;
    char *best = NULL;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char *path = xasprintf("%s/%s", dir, de->d_name);
        struct stat st;
        char *found = NULL;
        double t = -1;
        if (lstat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode) && depth > 0) {
                found = find(path, names, depth - 1, &t);
            } else if (S_ISREG(st.st_mode)) {
                for (const char *const *n = names; *n; n++)
                    if (!strcmp(de->d_name, *n)) {
                        found = xstrdup(path);
                        t = (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec * 1e-9;
                    }
            }
        }
        if (found && t > *mtime) {
            free(best);
            best = found;
            *mtime = t;
        } else {
            free(found);
        }
        free(path);
    }
    closedir(d);
    return best;
}

char *results_find(const char *dir, const char *const *names, int depth)
{
    double t = -1;
    return find(dir, names, depth, &t);
}
