/*
 * watch/parsers/winevt.h - Windows event logs for sekisho-watch: .evtx files
 * (through libevtx) and the XML of single events (as `evtxexport -f xml`,
 * wevtutil, Get-WinEvent's ToXml() and Event Viewer's "Save as XML" write
 * it).
 *
 * Which events become what (status is always the event id, host the
 * Computer, ts the TimeCreated SystemTime; "-" in a name or address field
 * leaves it empty; an IpAddress "::ffff:a.b.c.d" is given as "a.b.c.d"):
 *
 *   Security 4624  WK_AUTH_OK       user TargetUserName, src IpAddress:IpPort,
 *                                   workstation WorkstationName, logon_type
 *                                   LogonType, method AuthenticationPackageName
 *   Security 4625  WK_AUTH_FAIL     the same, result SubStatus (Status when
 *                                   SubStatus is 0x0): 0xC000006A = wrong password;
 *                  WK_AUTH_INVALID_USER  when that is 0xC0000064 (no such user)
 *   Security 4648  WK_EXPLICIT_CRED user TargetUserName, dst TargetServerName,
 *                                   src IpAddress:IpPort
 *   Security 4672  WK_ADMIN_LOGON   user SubjectUserName
 *   Security 4768, 4769, 4771
 *                  WK_KERBEROS      user TargetUserName, src IpAddress:IpPort,
 *                                   url ServiceName, result Status (0x0 issued;
 *                                   4768 0x6 unknown user, 4771 0x18 bad password)
 *   Security 4776  WK_AUTH_OK when Status is 0x0, else WK_AUTH_FAIL;
 *                                   user TargetUserName, workstation Workstation,
 *                                   method PackageName, result Status
 *   Security 5140, 5145
 *                  WK_SHARE_ACCESS  user SubjectUserName, src IpAddress:IpPort,
 *                                   url ShareName ("\\*\IPC$"), dst
 *                                   RelativeTargetName (5145: the file or pipe,
 *                                   "atsvc", "PSEXESVC-...-stdin")
 *   Security 4698  WK_TASK_CREATE   user SubjectUserName, url TaskName
 *   System 7045    WK_SERVICE_INSTALL url ServiceName, dst ImagePath
 *   TaskScheduler 106
 *                  WK_TASK_CREATE   user UserContext, url TaskName
 *   anything else  WK_NONE (still parsed: status, host, ts)
 *
 * The event is told by its provider (Microsoft-Windows-Security-Auditing,
 * Service Control Manager, Microsoft-Windows-TaskScheduler) or, when the XML
 * has no Provider Name, by its Channel.
 *
 * A value is given exactly as it stands in the XML: "&lt;" and friends are
 * not decoded (names, addresses and share names seldom hold any; a TaskName
 * or ImagePath may).  wk_winevt_unescape() decodes one into a buffer.
 */
#ifndef SEKISHO_WATCH_WINEVT_H
#define SEKISHO_WATCH_WINEVT_H

#include <stddef.h>

#include "../event.h"

/*
 * Parses the first <Event> in xml[0..len) (text before it, such as an XML
 * declaration or <Events>, is skipped; so is everything after its
 * </Event>).  Returns 1 and fills *ev, whose strings point into xml; 0 when
 * there is no complete <Event>...</Event> with a <System> and a numeric
 * <EventID> (0..65535).  UTF-8 (or ASCII) only: a UTF-16 file is refused.
 */
int wk_parse_winevt_xml(const char *xml, size_t len, wk_event *ev);

/*
 * The next "<Event ...>...</Event>" in buf[*off..len): returns 1, sets *ev_xml
 * to it and *off past it; 0 when there is none (an unterminated one at the
 * end included).  For reading a file of events one after another.
 */
int wk_winevt_xml_next(const char *buf, size_t len, size_t *off, wk_str *ev_xml);

/*
 * Decodes the XML entities of s (&lt; &gt; &amp; &quot; &apos; &#N; &#xN;)
 * into out (NUL-terminated).  Returns the decoded length, or (size_t)-1 when
 * it does not fit in size bytes with its NUL or s holds a malformed entity.
 */
size_t wk_winevt_unescape(wk_str s, char *out, size_t size);

/*
 * Called for each record of a file: ev is the parsed event (NULL when
 * libevtx could not render the record or its XML did not parse: an
 * "unparsed" record), xml[0..len) the record's XML (NUL-terminated; empty
 * when libevtx gave none).  Both are valid only during the call.  Returns 0
 * to go on; any other value stops the reading.
 */
typedef int (*wk_winevt_cb)(void *arg, const wk_event *ev, const char *xml, size_t len);

/*
 * Reads the records of the .evtx file at path in order (the allocated ones,
 * as Event Viewer shows them; libevtx's "recovered" records, copies found in
 * free space, are not read).  Returns 0 when every record was read, the
 * callback's value when it stopped the reading, or -1 when the file cannot
 * be opened or read as EVTX (a message in err).
 */
int wk_winevt_read_file(const char *path, wk_winevt_cb cb, void *arg, char *err, size_t err_size);

#endif
