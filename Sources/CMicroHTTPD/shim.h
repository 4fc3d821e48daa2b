// Debian's libmicrohttpd for Swift: the variadic entry points (which Swift cannot call) wrapped in
// fixed-argument functions, and the macros Swift does not import (casts) as constants.
#ifndef ZHNER_CMICROHTTPD_SHIM_H
#define ZHNER_CMICROHTTPD_SHIM_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>

static const uint64_t zhner_mhd_size_unknown = MHD_SIZE_UNKNOWN;
static const ssize_t zhner_mhd_end_of_stream = MHD_CONTENT_READER_END_OF_STREAM;
static const ssize_t zhner_mhd_end_with_error = MHD_CONTENT_READER_END_WITH_ERROR;

/// libmicrohttpd's own URL unescaping, except that a URL holding "%00" is left as sent. Unescaped,
/// the NUL would end the C string the server routes on, so "/metrics%00x" would be served as
/// "/metrics", past any proxy rule written for the full path. Left escaped it matches no route (404).
static inline size_t zhner_mhd_unescape(void *cls, struct MHD_Connection *connection, char *s)
{
    (void)cls;
    (void)connection;
    for (const char *p = s; *p != '\0'; p++) {
        if (p[0] == '%' && p[1] == '0' && p[2] == '0') {
            size_t n = 0;
            while (s[n] != '\0') n++;
            return n;
        }
    }
    return MHD_http_unescape(s);
}

/// Starts a daemon listening on `address` (port 0 picks a free port) with the options the
/// server uses. A per-IP limit of 0 is none. Returns NULL (errno set where the failure was a system call) on failure.
static inline struct MHD_Daemon *zhner_mhd_start(unsigned int flags, const struct sockaddr *address,
                                                 MHD_AccessHandlerCallback handler, void *handler_cls,
                                                 MHD_RequestCompletedCallback completed, void *completed_cls,
                                                 MHD_NotifyConnectionCallback notify, void *notify_cls,
                                                 unsigned int connection_limit,
                                                 unsigned int per_ip_connection_limit,
                                                 unsigned int connection_timeout_s)
{
    return MHD_start_daemon(flags, 0, NULL, NULL, handler, handler_cls,
                            MHD_OPTION_SOCK_ADDR, address,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
                            MHD_OPTION_NOTIFY_CONNECTION, notify, notify_cls,
                            MHD_OPTION_CONNECTION_LIMIT, connection_limit,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip_connection_limit,
                            MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_s,
                            MHD_OPTION_UNESCAPE_CALLBACK, zhner_mhd_unescape, NULL,
                            MHD_OPTION_END);
}

/// Bytes from the start of the request line to the end of its header block; 0 before the headers
/// are in.
static inline size_t zhner_mhd_header_size(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    return info == NULL ? 0 : info->header_size;
}

/// The connection's socket (-1 if libmicrohttpd does not say), for checking whether a suspended
/// connection's client is still there: libmicrohttpd does not watch a suspended connection.
static inline int zhner_mhd_socket(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : info->connect_fd;
}

/// The port the daemon actually listens on (the one the kernel picked for port 0).
static inline uint16_t zhner_mhd_bound_port(struct MHD_Daemon *daemon)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

#endif
