#!/usr/bin/env python3
"""A commissioner's session in the workbench, driven in headless Chromium with selenium.

    browser_check.py BINARY OUT_DIR

Starts `homeward serve` on a temporary copy of Scenarios (--port 0), then, as a person would:
opens the library with the printed address; opens the baseline; opens its form; types a
capacity the validator refuses and waits for the validator's message beside the field; fixes
it (and shortens the horizon so that the session stays quick); saves the variant; runs it and
watches the progress bar move; opens the report; compares the variant with its base; opens the
comparison report; downloads the workbook and checks it is a zip (starts with PK). Each page is
screenshotted into OUT_DIR and each screenshot checked not blank (decoded with zlib). Exit 0
when every step passes.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Tests", "support"))
from png import read_png  # noqa: E402  (after the path it is found on)
binary, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
os.makedirs(out, exist_ok=True)
steps = []


def step(what):
    steps.append(what)
    print("--", what, flush=True)


def shot(driver, name):
    """Saves a screenshot and checks it is not blank: some dark (text) pixels and some of the
    accent blue #0072B2 (links, buttons, the bar), and no single colour covering everything."""
    path = os.path.join(out, name + ".png")
    driver.save_screenshot(path)
    width, height, bpp, rows = read_png(path)
    dark = blue = 0
    colours = {}
    for line in rows[::2]:
        for x in range(0, width * bpp, bpp * 2):
            r, g, b = line[x], line[x + 1], line[x + 2]
            colours[(r, g, b)] = colours.get((r, g, b), 0) + 1
            if r < 90 and g < 90 and b < 90:
                dark += 1
            if abs(r - 0) <= 30 and abs(g - 114) <= 30 and abs(b - 178) <= 30:
                blue += 1
    sampled = sum(colours.values())
    top = max(colours.values()) / sampled
    print("   %s.png: %dx%d, text pixels %d, accent pixels %d, commonest colour %.0f%%"
          % (name, width, height, dark, blue, top * 100))
    assert dark > 200, name + ": no text on the screenshot"
    assert top < 0.97, name + ": the screenshot is one colour"
    return path


def main():
    began = time.time()
    work = tempfile.mkdtemp(prefix="homeward-browser-")
    scenarios = os.path.join(work, "scenarios")
    shutil.copytree(os.path.join(ROOT, "Scenarios"), scenarios,
                    ignore=shutil.ignore_patterns("verification", "sources", "*.md"))
    downloads = os.path.join(work, "downloads")
    os.mkdir(downloads)
    server = subprocess.Popen(
        [binary, "serve", scenarios, "--port", "0", "--results", os.path.join(work, "results")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=work)
    url = None
    deadline = time.time() + 30
    while time.time() < deadline and url is None:
        line = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/\?token=[0-9a-f]+", line)
        if match:
            url = match.group(0)
    assert url, "homeward serve printed no address"
    threading.Thread(target=server.stdout.read, daemon=True).start()
    base = url.split("/?")[0]

    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000",
                 "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
                 "--disable-background-networking", "--disable-component-update",
                 # Offline: every host name resolves to nothing (the workbench is an IP address).
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": downloads,
                                              "download.prompt_for_download": False})
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    if chrome:
        options.binary_location = chrome
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    wait = WebDriverWait(driver, 120, poll_frequency=0.05)
    try:
        step("open the library at the printed address")
        driver.get(url)
        assert "token=" not in driver.current_url, "the token stayed in the address bar"
        assert driver.find_element(By.TAG_NAME, "h1").text == "Scenarios"
        assert "Baseline: mid-sized system 2016-17" in driver.page_source
        shot(driver, "1-library")

        step("open the baseline and its form")
        driver.find_element(By.LINK_TEXT, "Baseline: mid-sized system 2016-17").click()
        wait.until(lambda d: "Baseline: mid-sized system 2016-17" in d.find_element(By.TAG_NAME, "h1").text)
        driver.find_element(By.LINK_TEXT, "Edit in a form").click()
        wait.until(lambda d: d.find_element(By.TAG_NAME, "h1").text.startswith("Edit:"))
        capacity = driver.find_element(By.ID, "f-services.reablement.capacity")
        label = driver.find_element(By.CSS_SELECTOR, "label[for='f-services.reablement.capacity']").text
        assert "reablement capacity" in label, label

        step("type a capacity the validator refuses and see its message beside the field")
        capacity.clear()
        capacity.send_keys("-3")
        driver.find_element(By.ID, "variant").click()  # leaving the field sends 'change'
        message = driver.find_element(By.ID, "f-services.reablement.capacity-message")
        wait.until(lambda d: "must be a whole number" in message.text)
        assert capacity.get_attribute("aria-invalid") == "true"
        print("   message:", message.text)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", capacity)
        shot(driver, "2-validation-message")

        step("fix it, shorten the horizon, save the variant")
        capacity.clear()
        capacity.send_keys("260")
        for field, value in [("f-horizonDays", "120"), ("f-warmupDays", "30")]:
            element = driver.find_element(By.ID, field)
            element.clear()
            element.send_keys(value)
        name = driver.find_element(By.ID, "variant")
        name.clear()
        name.send_keys("baseline-browser.json5")
        wait.until(lambda d: message.text == "")
        driver.find_element(By.ID, "save").click()
        wait.until(lambda d: "file=baseline-browser.json5" in d.current_url)
        assert "extends" in driver.page_source and "baseline.json5" in driver.page_source
        saved = open(os.path.join(scenarios, "baseline-browser.json5")).read()
        assert 'extends: "baseline.json5"' in saved and "capacity: 260" in saved, saved
        shot(driver, "3-variant")

        step("run it and watch the progress bar move")
        replications = driver.find_element(By.ID, "replications-run")
        replications.clear()
        # Enough replications for a few seconds of a release build (about 0.03 s each at this
        # horizon on 2 cores), so that the page polls the progress several times.
        replications.send_keys("300")
        driver.find_element(By.XPATH, "//button[text()='Run']").click()
        wait.until(lambda d: "/jobs/" in d.current_url)
        seen = []
        screenshotted = False
        while True:
            bars = driver.find_elements(By.ID, "progress")
            if not bars:
                break
            try:
                value = int(float(bars[0].get_attribute("value") or 0))
                if not seen or seen[-1] != value:
                    seen.append(value)
                if value > 0 and not screenshotted:
                    shot(driver, "4-progress")
                    screenshotted = True
            except Exception:
                pass  # the page reloaded under us
            time.sleep(0.05)
            assert time.time() - began < 170, "the run did not end"
        print("   progress values seen:", seen)
        assert len([v for v in seen if v > 0]) >= 2, "the progress bar did not move: %s" % seen
        wait.until(lambda d: d.find_elements(By.LINK_TEXT, "Open the report"))

        step("open the report")
        driver.find_element(By.LINK_TEXT, "Open the report").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "header.cover h1"))
        assert "reablement capacity 260" in driver.title, driver.title
        assert len(driver.find_elements(By.TAG_NAME, "svg")) >= 3, "the report has no charts"
        shot(driver, "5-report")

        step("compare the variant with its base")
        driver.get(base + "/scenario?file=baseline-browser.json5")
        replications = driver.find_element(By.ID, "replications-compare")
        replications.clear()
        replications.send_keys("4")
        driver.find_element(By.XPATH, "//button[starts-with(text(), 'Compare with')]").click()
        wait.until(lambda d: d.find_elements(By.LINK_TEXT, "Open the report"))
        assert "differences" in driver.page_source or "Difference" in driver.page_source or "<pre>" in driver.page_source
        shot(driver, "6-comparison-done")
        job = driver.current_url
        driver.find_element(By.LINK_TEXT, "Open the report").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "header.cover h1"))
        assert driver.title.startswith("Comparison"), driver.title
        shot(driver, "7-comparison-report")

        step("download the workbook")
        driver.get(job)
        driver.find_element(By.LINK_TEXT, "workbook.xlsx").click()
        path = os.path.join(downloads, "baseline-browser.json5-workbook.xlsx")
        wait.until(lambda d: os.path.exists(path) and os.path.getsize(path) > 0)
        with open(path, "rb") as f:
            head = f.read(2)
        assert head == b"PK", "the workbook is not a zip: %r" % head
        print("   %s: %d bytes" % (os.path.basename(path), os.path.getsize(path)))
    except Exception:
        driver.save_screenshot(os.path.join(out, "failure.png"))
        with open(os.path.join(out, "failure.html"), "w") as f:
            f.write(driver.page_source)
        raise
    finally:
        driver.quit()
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    assert server.returncode in (143, -15), "the server ended with %s" % server.returncode
    print("%d steps passed in %.0f s; screenshots in %s" % (len(steps), time.time() - began, out))


if __name__ == "__main__":
    main()
