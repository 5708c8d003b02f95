/* Talking to a container's monitor over its unix socket. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "container/container-internal.h"

int ct_monitor_connect(const struct ward_host *host, const char *name,
		       const char *request, struct ward_err **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;
	int n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s/%s", host->run, name, CT_SOCK_NAME);

	if (n >= (int)sizeof(sa.sun_path))
		return ward_err_set(err, ENAMETOOLONG, "run directory path is too long for a socket");
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ward_err_sys(err, errno, "cannot create a socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return ward_err_sys(err, errno, "cannot reach the monitor of %s", name);
	if (send(fd, request, strlen(request), MSG_NOSIGNAL) < 0)
		return ward_err_sys(err, errno, "cannot send a request to the monitor of %s", name);
	return TAKE_FD(fd);
}

union fd_cmsg {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

int ct_send_fd(int sock, int fd)
{
	char byte = 'F';
	struct iovec iov = { &byte, 1 };
	union fd_cmsg u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(u.buf, 0, sizeof(u.buf));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

ssize_t ct_recv_with_fd(int sock, void *buf, size_t len, int *fd)
{
	struct iovec iov = { buf, len };
	union fd_cmsg u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return n < 0 ? -errno : n;
}

int ct_recv_fd(int sock, struct ward_err **err)
{
	char byte;
	int fd;
	ssize_t n = ct_recv_with_fd(sock, &byte, 1, &fd);

	if (n <= 0)
		return ward_err_sys(err, n < 0 ? (int)-n : EPIPE, "no answer from the monitor");
	if (fd < 0)
		return ward_err_set(err, EPROTO, "the monitor sent no file descriptor");
	return fd;
}
