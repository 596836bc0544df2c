"""A 12-megapixel photo attached to a document slot of the application form is compressed on
the phone (in a Web Worker) before it is stored and uploaded: long edge <= 2048 px, <= 500 KB,
EXIF orientation applied, JPEG with no metadata left. `bench/photo.py` measures the same
journey for docs/performance.md."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import FilePayload, Page, expect

from tests.e2e.conftest import VirtualAuthenticator
from tests.e2e.test_identity import BIRTH_REGISTRATION_CODE, new_phone, sign_up

pytestmark = pytest.mark.e2e

MAX_BYTES = 500 * 1024
MAX_EDGE = 2048
ORIENTATION = 0x0112  # EXIF tag; 6 = the camera was turned a quarter clockwise

# The stored photo, as the page keeps it in the account database, decoded by the browser.
READ_PHOTO = """
async () => {
  const name = (await indexedDB.databases())
    .map((d) => d.name)
    .find((n) => n.startsWith('motcua-account-'));
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onerror = () => reject(request.error);
    request.onsuccess = () => resolve(request.result);
  });
  const rows = await new Promise((done) => {
    const request = db.transaction('blobs').objectStore('blobs').getAll();
    request.onsuccess = () => done(request.result);
  });
  db.close();
  return Promise.all(rows.map(async (row) => {
    const bytes = new Uint8Array(await row.blob.arrayBuffer());
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    const bitmap = await createImageBitmap(row.blob);
    const head = new TextDecoder('latin1').decode(bytes.slice(0, 4096));
    const result = {
      fileName: row.fileName, slotKey: row.slotKey, bytes: row.bytes, size: row.blob.size,
      type: row.blob.type, mediaType: row.mediaType, sha256: row.sha256,
      actualSha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''),
      width: bitmap.width, height: bitmap.height,
      magic: Array.from(bytes.slice(0, 3)), hasExif: head.includes('Exif'),
    };
    bitmap.close();
    return result;
  }));
}
"""


def twelve_megapixel_jpeg() -> bytes:
    """A 4000 x 3000 landscape JPEG taken with the phone turned (EXIF Orientation 6): noisy,
    so it stays large (several MB) as a real photo of paper under poor light does."""
    size = (4000, 3000)
    noise = Image.merge("RGB", [Image.effect_noise(size, 48) for _ in range(3)])
    scene = Image.linear_gradient("L").resize(size).convert("RGB")
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    out = io.BytesIO()
    Image.blend(scene, noise, 0.6).save(out, format="JPEG", quality=92, exif=exif)
    return out.getvalue()


def attach_photo(page: Page, jpeg: bytes, name: str = "giay-chung-sinh.jpg") -> dict[str, Any]:
    """Signed in, open a new birth registration form and attach `jpeg` to its birth certificate
    slot through the slot's file chooser; return what the page stored for it (and `seconds`:
    from choosing the file to its listing in the slot, which is mostly the compression)."""
    # test_apply imports this module's twelve_megapixel_jpeg: its helpers are imported here.
    from tests.e2e.test_apply import CERTIFICATE, open_application

    page.goto(f"/procedures/{BIRTH_REGISTRATION_CODE}")
    open_application(page)
    photo: FilePayload = {"name": name, "mimeType": "image/jpeg", "buffer": jpeg}
    # As test_apply's choose_file, with the clock started once the chooser is open.
    with page.expect_file_chooser() as chooser:
        page.get_by_label(f"Chọn tệp: {CERTIFICATE}").click()
    started = time.perf_counter()
    chooser.value.set_files(files=[photo])
    slot = page.get_by_role("group", name=CERTIFICATE)
    expect(slot.get_by_role("listitem")).to_contain_text(name, timeout=30_000)
    seconds = time.perf_counter() - started
    stored: list[dict[str, Any]] = page.evaluate(READ_PHOTO)
    assert len(stored) == 1
    return {**stored[0], "seconds": seconds}


def test_a_12_megapixel_photo_is_compressed_on_the_phone_with_its_orientation(
    page: Page, authenticator: VirtualAuthenticator
) -> None:
    sign_up(page, "Trần Văn Nam", new_phone())
    jpeg = twelve_megapixel_jpeg()
    assert len(jpeg) > 3 * 1024 * 1024  # a real 12 MP photo's weight, not a toy
    stored = attach_photo(page, jpeg)

    assert stored["size"] <= MAX_BYTES
    assert stored["bytes"] == stored["size"]
    assert max(stored["width"], stored["height"]) <= MAX_EDGE
    # Orientation 6 turns the 4000 x 3000 landscape into a portrait: 1536 x 2048.
    assert (stored["width"], stored["height"]) == (1536, 2048)
    assert stored["type"] == stored["mediaType"] == "image/jpeg"
    assert stored["magic"] == [0xFF, 0xD8, 0xFF]
    assert not stored["hasExif"]  # re-encoded: no EXIF (nor GPS) leaves the phone
    # What is hashed (and so registered and uploaded) is the compressed image.
    assert stored["sha256"] == stored["actualSha256"]
    assert stored["fileName"] == "giay-chung-sinh.jpg"
    assert stored["slotKey"] == "birthCertificate"
