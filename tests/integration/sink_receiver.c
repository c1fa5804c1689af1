/*
 * tests/integration/sink_receiver.c - the receiving end of sekisho-watch's
 * alert sinks in 99_watch_sinks.sh: a minimal HTTP server, a unix datagram
 * socket or a UDP socket, on the loopback, that records what arrives.
 *
 *   sink_receiver http OUT [STATUS...]   one line "PORT" on stdout once
 *                                        listening on 127.0.0.1; each request
 *                                        (head and body) is appended to OUT,
 *                                        then answered with the next STATUS
 *                                        (the last one repeats; 200 when none);
 *                                        STATUS "hang" never answers
 *   sink_receiver https CERT KEY OUT [STATUS...]   the same over TLS
 *   sink_receiver unix PATH OUT          "ready" once bound; each datagram is
 *                                        appended to OUT with a newline
 *   sink_receiver udp OUT                "PORT" once bound on 127.0.0.1
 *
 * Standard output is closed after that first line, so a test reading it from
 * a FIFO knows the socket is ready without polling.  SIGTERM ends it; the
 * datagram modes first record what is already queued on the socket, so a
 * test that stops the receiver after the sender exited sees every message.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define REQ_MAX (256 * 1024)

static volatile sig_atomic_t stopping;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
die(const char *what)
{
	fprintf(stderr, "sink_receiver: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
ready(const char *line)
{
	printf("%s\n", line);
	if (fclose(stdout) != 0)
		die("stdout");
}

/* Waits until fd is readable; 0 when SIGTERM arrived (it is only let in here). */
static int
wait_readable(int fd, const sigset_t *open_mask)
{
	struct pollfd p = {fd, POLLIN, 0};

	while (!stopping) {
		if (ppoll(&p, 1, NULL, open_mask) > 0)
			return 1;
		if (errno != EINTR)
			die("ppoll");
	}
	return 0;
}

static void
append(int out, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(out, p, n);
		if (w < 0)
			die("write");
		p += w;
		n -= (size_t)w;
	}
}

/* One client connection, plain or TLS. */
struct conn {
	int fd;
	SSL *ssl;
};

static ssize_t
conn_read(struct conn *c, char *p, size_t n)
{
	if (c->ssl == NULL)
		return read(c->fd, p, n);
	int r = SSL_read(c->ssl, p, (int)n);
	return r > 0 ? r : -1;
}

static void
conn_write(struct conn *c, const char *p, size_t n)
{
	if (c->ssl == NULL)
		append(c->fd, p, n);
	else if (SSL_write(c->ssl, p, (int)n) != (int)n)
		fprintf(stderr, "sink_receiver: TLS write failed\n");
}

/* Reads one request; returns its length (head and body), 0 when the peer went away. */
static size_t
read_request(struct conn *c, char *buf, size_t size)
{
	size_t n = 0, need = 0;

	while (need == 0 || n < need) {
		ssize_t r = conn_read(c, buf + n, size - 1 - n);
		if (r <= 0)
			return 0;
		n += (size_t)r;
		buf[n] = '\0';
		if (need == 0) {
			char *end = strstr(buf, "\r\n\r\n");
			size_t body = 0;
			if (end == NULL) {
				if (n >= size - 1)
					return 0;
				continue;
			}
			for (char *h = strstr(buf, "\r\n"); h != NULL && h < end; h = strstr(h + 2, "\r\n"))
				if (strncasecmp(h + 2, "Content-Length:", 15) == 0)
					body = strtoul(h + 17, NULL, 10);
			need = (size_t)(end + 4 - buf) + body;
			if (need >= size)
				return 0;
		}
	}
	return n;
}

/* argv: OUT [STATUS...]; tls: a server context, or NULL for plain HTTP. */
static int
http(int argc, char **argv, SSL_CTX *tls, const sigset_t *open_mask)
{
	static char req[REQ_MAX];
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int l, out, one = 1, next = 0;
	char port[16];

	if ((out = open(argv[0], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0)
		die(argv[0]);
	if ((l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		die("socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(l, 16) != 0 ||
	    getsockname(l, (struct sockaddr *)&a, &alen) != 0)
		die("bind");
	snprintf(port, sizeof(port), "%u", ntohs(a.sin_port));
	ready(port);
	while (wait_readable(l, open_mask)) {
		const char *status = argc > 1 ? argv[1 + (next < argc - 1 ? next : argc - 2)] : "200";
		struct conn c = {-1, NULL};
		char resp[128];
		size_t n;

		if ((c.fd = accept4(l, NULL, NULL, SOCK_CLOEXEC)) < 0)
			continue;
		if (tls != NULL && ((c.ssl = SSL_new(tls)) == NULL || SSL_set_fd(c.ssl, c.fd) != 1 ||
				    SSL_accept(c.ssl) != 1)) {
			/* e.g. the client refused our certificate */
			ERR_print_errors_fp(stderr);
			SSL_free(c.ssl);
			close(c.fd);
			continue;
		}
		if ((n = read_request(&c, req, sizeof(req))) == 0) {
			SSL_free(c.ssl);
			close(c.fd);
			continue;
		}
		next++;
		append(out, req, n);
		append(out, "\n--END--\n", 9);
		if (strcmp(status, "hang") == 0)
			continue; /* the connection stays open, unanswered, until we exit */
		n = (size_t)snprintf(resp, sizeof(resp),
				     "HTTP/1.1 %s X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
				     status);
		conn_write(&c, resp, n);
		if (c.ssl != NULL)
			SSL_shutdown(c.ssl);
		SSL_free(c.ssl);
		close(c.fd);
	}
	return 0;
}

static int
dgram(int fd, int out, const sigset_t *open_mask)
{
	static char buf[65536];

	for (;;) {
		int more = wait_readable(fd, open_mask);
		ssize_t n;
		/* After SIGTERM: what is queued already, without waiting. */
		while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
			append(out, buf, (size_t)n);
			append(out, "\n", 1);
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			die("recv");
		if (!more)
			return 0;
	}
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t term, open_mask;
	int fd, out;

	/* SIGTERM is blocked except inside ppoll: no race between the check
	 * of the flag and the wait. */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &open_mask);
	sigdelset(&open_mask, SIGTERM);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (argc >= 3 && strcmp(argv[1], "http") == 0)
		return http(argc - 2, argv + 2, NULL, &open_mask);
	if (argc >= 5 && strcmp(argv[1], "https") == 0) {
		SSL_CTX *tls = SSL_CTX_new(TLS_server_method());
		if (tls == NULL || SSL_CTX_use_certificate_chain_file(tls, argv[2]) != 1 ||
		    SSL_CTX_use_PrivateKey_file(tls, argv[3], SSL_FILETYPE_PEM) != 1) {
			ERR_print_errors_fp(stderr);
			return 1;
		}
		return http(argc - 4, argv + 4, tls, &open_mask);
	}
	if (argc == 4 && strcmp(argv[1], "unix") == 0) {
		struct sockaddr_un a;
		memset(&a, 0, sizeof(a));
		a.sun_family = AF_UNIX;
		if (strlen(argv[2]) >= sizeof(a.sun_path)) {
			fprintf(stderr, "sink_receiver: path too long\n");
			return 1;
		}
		memcpy(a.sun_path, argv[2], strlen(argv[2]) + 1);
		if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
		    bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
			die(argv[2]);
		if ((out = open(argv[3], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0)
			die(argv[3]);
		ready("ready");
		return dgram(fd, out, &open_mask);
	}
	if (argc == 3 && strcmp(argv[1], "udp") == 0) {
		struct sockaddr_in a;
		socklen_t alen = sizeof(a);
		char port[16];
		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
		    bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
		    getsockname(fd, (struct sockaddr *)&a, &alen) != 0)
			die("udp");
		if ((out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0)
			die(argv[2]);
		snprintf(port, sizeof(port), "%u", ntohs(a.sin_port));
		ready(port);
		return dgram(fd, out, &open_mask);
	}
	fprintf(stderr, "usage: sink_receiver http OUT [STATUS...] | https CERT KEY OUT [STATUS...] |\n"
			"       unix PATH OUT | udp OUT\n");
	return 2;
}
