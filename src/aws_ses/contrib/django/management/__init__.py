"""Management commands of the aws-ses Django integration (``ses_campaign``)."""
