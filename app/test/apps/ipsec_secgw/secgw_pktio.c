/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-virtio-crypto authors
 */

/*
 * Frames in and out of two kernel interfaces, for a guest without python:
 *
 *   secgw_pktio IF0 IF1 IN0 IN1 WANT TIMEOUT_S
 *
 * Sends every frame of file IN0 on IF0 and of IN1 on IF1 (records of a
 * 2-byte big-endian length, then the frame), then prints each frame the
 * interfaces receive (not those this host sends on them) as
 * "frame PORT HEX", until WANT IPv4 frames have come or TIMEOUT_S passed;
 * what is queued by then is printed too. The frames are judged elsewhere.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAME 65536

static int
open_if(const char *name)
{
	struct sockaddr_ll sll;
	int s;

	s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (s < 0) {
		perror("socket");
		exit(2);
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = if_nametoindex(name);
	if (sll.sll_ifindex == 0 || bind(s, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "pktio: %s: %s\n", name, strerror(errno));
		exit(2);
	}
	return s;
}

static int
send_file(int s, const char *path)
{
	static unsigned char buf[MAX_FRAME];
	unsigned char len[2];
	int n = 0;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	while (fread(len, 1, 2, f) == 2) {
		size_t l = (size_t)len[0] << 8 | len[1];

		if (fread(buf, 1, l, f) != l) {
			fprintf(stderr, "pktio: %s: short record\n", path);
			exit(2);
		}
		if (send(s, buf, l, 0) != (ssize_t)l) {
			fprintf(stderr, "pktio: send: %s\n", strerror(errno));
			exit(2);
		}
		n++;
	}
	fclose(f);
	return n;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Print the frames waiting on s; returns how many of them were IPv4. */
static int
take(int s, int port)
{
	static unsigned char buf[MAX_FRAME];
	struct sockaddr_ll from;
	socklen_t fl = sizeof(from);
	ssize_t l;
	int i;

	l = recvfrom(s, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
	if (l < 0 || from.sll_pkttype == PACKET_OUTGOING)
		return 0;
	printf("frame %d ", port);
	for (i = 0; i < l; i++)
		printf("%02x", buf[i]);
	printf("\n");
	return l >= 14 && buf[12] == 0x08 && buf[13] == 0x00;
}

int
main(int argc, char **argv)
{
	struct pollfd p[2];
	int want, got = 0, sent0, sent1, i;
	double end;

	if (argc != 7) {
		fprintf(stderr, "usage: secgw_pktio IF0 IF1 IN0 IN1 WANT TIMEOUT_S\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	p[0].fd = open_if(argv[1]);
	p[1].fd = open_if(argv[2]);
	want = atoi(argv[5]);
	end = now() + atof(argv[6]);
	sent0 = send_file(p[0].fd, argv[3]);
	sent1 = send_file(p[1].fd, argv[4]);
	printf("pktio: sent %d frames on %s, %d on %s\n", sent0, argv[1], sent1, argv[2]);
	while (got < want && now() < end) {
		p[0].events = p[1].events = POLLIN;
		if (poll(p, 2, 100) <= 0)
			continue;
		for (i = 0; i < 2; i++)
			if (p[i].revents & POLLIN)
				got += take(p[i].fd, i);
	}
	/* whatever else is already there (a duplicate would be) */
	for (i = 0; i < 2; i++) {
		p[i].events = POLLIN;
		while (poll(&p[i], 1, 0) > 0 && (p[i].revents & POLLIN))
			got += take(p[i].fd, i);
	}
	printf("pktio: %d IPv4 frames received, %d wanted\n", got, want);
	return got >= want ? 0 : 1;
}
