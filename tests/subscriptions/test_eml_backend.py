"""EMAIL_URL=filemail:// writes each email as an .eml file that parses back to the same message."""

from email import message_from_bytes, policy

from django.core.mail import EmailMessage, get_connection


def test_each_email_becomes_its_own_eml_file(tmp_path):
    connection = get_connection("dashboard.mail.EmlFileBackend", file_path=tmp_path)
    sent = connection.send_messages(
        [EmailMessage("First report", "one", to=["a@example.com"]), EmailMessage("Second", "two", to=["b@example.com"])]
    )

    files = sorted(tmp_path.glob("*.eml"))
    assert sent == 2 and len(files) == 2
    parsed = [message_from_bytes(path.read_bytes(), policy=policy.default) for path in files]
    assert {(m["Subject"], m.get_content().strip()) for m in parsed} == {("First report", "one"), ("Second", "two")}
