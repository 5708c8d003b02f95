/* Links over rtnetlink with libmnl. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <time.h>

#include "netns/netns.h"

static void mnl_closep(struct mnl_socket **nl)
{
	if (*nl)
		mnl_socket_close(*nl);
}

/* Sends one request and waits for its ack. */
static int rtnl_talk(struct nlmsghdr *nlh, const char *what, struct ward_err **err)
{
	_cleanup_(mnl_closep) struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	char buf[8192];
	unsigned seq = nlh->nlmsg_seq, portid;
	ssize_t n;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return ward_err_sys(err, errno, "cannot open rtnetlink to %s", what);
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return ward_err_sys(err, errno, "cannot send rtnetlink request to %s", what);
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0 || mnl_cb_run(buf, (size_t)n, seq, portid, NULL, NULL) < 0)
		return ward_err_sys(err, errno, "cannot %s", what);
	return 0;
}

int ward_net_lo_up(struct ward_err **err)
{
	char buf[8192];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (unsigned)time(NULL);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)if_nametoindex("lo");
	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = IFF_UP;
	if (ifm->ifi_index == 0)
		return ward_err_sys(err, errno, "cannot find the loopback interface");
	return rtnl_talk(nlh, "bring loopback up", err);
}
