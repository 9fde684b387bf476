"""HTTP to the Metering Service: basic or bearer credentials, the reads by time window, the service's clock.

Reference: the Metering Service documentation, "REST API for the Metering Service", section "Retrieving data"
(every read needs an account with the ADMIN role).
"""

from email.utils import parsedate_to_datetime

from requests.auth import HTTPBasicAuth

from ingest.errors import CredentialsError, HttpError
from ingest.http import HttpClient
from ingest.vendors.params import utc_text

fmt = utc_text  # yyyy-MM-dd'T'HH:mm:ssX, in UTC: the seed's timestamp format


class MeteringClient:
    """One source's requests; `service_now` is the service's clock, from the Date header of its last answer."""

    def __init__(self, source, auth):
        basic, headers = credentials(source, auth)
        self.http = HttpClient(source.base_url, secrets=source.secrets(), headers=headers, auth=basic)
        self.service_now = None

    def get(self, path, tenant, start, end):
        # Reference: GET /usage/location and GET /usage/location/hour, ?tenantId=&startTime=&endTime= (ADMIN role)
        return self.read(path, {"tenantId": tenant, "startTime": fmt(start), "endTime": fmt(end)})

    def get_metadata(self, loc, start, end):
        # Reference: GET /usage/location-metadata?locId=&startTime=&endTime= (ADMIN role)
        return self.read("/usage/location-metadata", {"locId": loc, "startTime": fmt(start), "endTime": fmt(end)})

    def read(self, path, params):
        try:
            response = self.http.request("GET", path, params=params)
        except CredentialsError:
            raise CredentialsError(
                f"the metering service refused GET {path} (HTTP 401): check the credentials"
            ) from None
        except HttpError as exc:
            if exc.status == 403:
                raise CredentialsError(f"{exc} (reading usage needs an account with the ADMIN role)", 403) from None
            raise
        self.note_clock(response.headers.get("Date"))
        return self.http.json(response)

    def note_clock(self, header):
        try:
            moment = parsedate_to_datetime(header) if header else None
        except (TypeError, ValueError):
            moment = None
        if moment is not None and moment.tzinfo is not None:
            self.service_now = moment


def credentials(source, auth):
    """(basic auth or None, headers) for the `auth` parameter: basic with a username and password, or bearer."""
    if auth == "bearer":
        if not source.token:
            raise CredentialsError("the metering source has auth=bearer but no --token")
        return None, {"Authorization": f"Bearer {source.token}"}
    if not (source.username and source.password):
        raise CredentialsError(
            "the metering service needs --username and --password of an ADMIN user (or auth=bearer with --token)"
        )
    return HTTPBasicAuth(source.username, source.password), {}
