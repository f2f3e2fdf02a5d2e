/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_plugin.h"

#define STAGING_BASE "/run"

static char staged_dir[64];
static char staged_path[PATH_MAX];

static void
unstage(void)
{
	if (staged_path[0])
		unlink(staged_path);
	if (staged_dir[0])
		rmdir(staged_dir);
}

static int
copy_file(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n;
	int in, out, rc = 0;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		rc = -errno;
		close(in);
		return rc;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, n) != n) {
			rc = -EIO;
			break;
		}
	}
	if (n < 0)
		rc = -errno;
	close(in);
	if (close(out) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

const char *
test_plugin_stage(const char *plugin_path)
{
	char name[PATH_MAX];
	int rc;

	snprintf(staged_dir, sizeof(staged_dir), STAGING_BASE "/vc-test-XXXXXX");
	if (mkdtemp(staged_dir) == NULL) {
		fprintf(stderr, "cannot make a staging directory in %s: %s\n",
			STAGING_BASE, strerror(errno));
		staged_dir[0] = '\0';
		return NULL;
	}
	atexit(unstage);
	snprintf(name, sizeof(name), "%s", plugin_path);
	snprintf(staged_path, sizeof(staged_path), "%s/%s", staged_dir, basename(name));
	rc = copy_file(plugin_path, staged_path);
	if (rc < 0) {
		fprintf(stderr, "cannot copy %s to %s: %s\n", plugin_path,
			staged_path, strerror(-rc));
		staged_path[0] = '\0';
		return NULL;
	}
	return staged_path;
}
