// Quality inference, fed by real-looking release names, labels and URLs (one line each).
// A misparsed name reported by an operator becomes a new line here.
#include "catalog/quality_rules.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace cmup {
namespace {

struct Case {
  std::string_view hint;
  std::string_view expected;
};

// Traps and edge cases, written by hand.
constexpr Case kTraps[] = {
    // "1080p" inside a group name, after the real resolution.
    {"Movie.2019.720p.BluRay.x264-GROUP1080p", "720P"},
    {"Movie.2019.720p.WEB-DL.x264-HD1080p.mkv", "720P"},
    {"Some.Film.2011.480p.DVDRip.XviD-Rip1080pTeam", "480P"},
    {"Movie.2019.BluRay.x264-GRP1080p", "UNKNOWN"},
    // Resolution first, another one later (group, tag): the leftmost wins.
    {"Movie.2020.720p.WEB-DL-1080pRG", "720P"},
    {"Movie.2020.1080p.Upscaled.From.720p", "1080P"},
    // Codecs are not resolutions.
    {"Movie.2018.x264-GRP", "UNKNOWN"},
    {"Movie.2018.H.265-GRP", "UNKNOWN"},
    {"Movie.2018.H.264.AAC", "UNKNOWN"},
    {"Movie 2018 x265 10bit HEVC", "UNKNOWN"},
    // Years and titles that look like resolutions.
    {"2160.2021.1080p.WEB-DL.mkv", "1080P"},
    {"Movie.2160.BluRay.x264", "UNKNOWN"},
    {"1080.Days.2019.720p.HDTV", "720P"},
    {"Blade.Runner.2049.2017.2160p.UHD.BluRay.x265", "2160P"},
    {"The.720.Club.1999.DVDRip", "480P"},
    {"Room.480.2016.1080p.BluRay", "1080P"},
    {"Movie.1080.mkv", "UNKNOWN"},
    // "4K Remastered" describes the master, not the file.
    {"Movie.1995.4K.Remastered.1080p.BluRay.x264", "1080P"},
    {"Movie 1995 4K Remastered 1080p BluRay", "1080P"},
    {"Movie.1995.Remastered.in.4K.720p.WEB", "720P"},
    {"Movie.1995.4K.Restoration.BluRay.x264", "UNKNOWN"},
    {"Movie.1995.4K.Remaster.DVDRip", "480P"},
    {"Movie.1995.From.4K.Scan.1080p", "1080P"},
    {"Movie.1995.4K.UHD.BluRay.x265", "2160P"},
    {"Movie.1995.4K.HDR.x265", "2160P"},
    // Words for resolution classes, when no resolution is written.
    {"Movie.2019.UHD.BluRay.x265", "2160P"},
    {"Movie.2019.UHD.BluRay.1080p", "1080P"},
    {"Movie 2019 FHD", "1080P"},
    {"Movie 2019 Full HD", "1080P"},
    {"Movie.2019.FullHD.mp4", "1080P"},
    {"Movie.2019.QHD.mp4", "1440P"},
    {"Movie.8K.Demo", "2160P"},
    {"Movie.2019.4320p.Demo", "2160P"},
    // Frame sizes.
    {"Movie.2019.1920x1080.mkv", "1080P"},
    {"Movie.2019.1920x800.mkv", "1080P"},
    {"Movie.2019.3840x2160.HDR", "2160P"},
    {"Movie.2019.3840x1600.HDR", "2160P"},
    {"Movie.2019.1280x720.mp4", "720P"},
    {"Movie.2019.1280x536.mp4", "720P"},
    {"Movie.2019.2560x1440.mp4", "1440P"},
    {"Movie.2019.720x576.PAL.mp4", "576P"},
    {"Movie.2019.720x480.NTSC.mp4", "480P"},
    {"Movie.2019.640x360.mp4", "480P"},
    // 576P only when written explicitly; PAL DVDs are SD.
    {"Movie.2001.576p.WEB.x264", "576P"},
    {"Movie.2001.576i.DVB.mpg", "576P"},
    {"Movie.2001.PAL.DVD9", "480P"},
    {"Movie.2001.PAL.DVDRip.XviD", "480P"},
    // SD sources.
    {"Movie.1999.DVDRip.XviD-GRP", "480P"},
    {"Movie.1999.DVDR-GRP", "480P"},
    {"Movie.1999.DVD5", "480P"},
    {"Movie.1999.DVDScr.XviD", "480P"},
    {"Show.S01E01.SDTV.x264", "480P"},
    {"Show.S01E01.PDTV.XviD", "480P"},
    {"Show.S01E01.TVRip", "480P"},
    {"Movie 1985 VHSRip", "480P"},
    {"SD", "480P"},
    {"Movie [SD]", "480P"},
    {"Show.S02E03.480p.WEB.h264", "480P"},
    {"Show.S02E03.360p.WEB.h264", "480P"},
    // HDTV and bare "HD" mean 720P; audio "DTS-HD" does not.
    {"Show.S05E10.HDTV.x264-LOL", "720P"},
    {"Show.S05E10.1080i.HDTV.MPEG2", "1080P"},
    {"HD", "720P"},
    {"Movie.2012.BluRay.DTS-HD.MA.5.1", "UNKNOWN"},
    {"Movie.2012.BluRay.DTS-HD.MA.5.1.1080p", "1080P"},
    {"Movie.2012.HDR.x265", "UNKNOWN"},
    {"Movie.2012.HDRip.x264", "UNKNOWN"},
    // Frame rates glued to the resolution.
    {"Game.2019.1080p60.x264", "1080P"},
    {"Game.2019.2160p60.HDR", "2160P"},
    {"Game.2019.720p50.TS", "720P"},
    // Labels as CM editors type them.
    {"1080p", "1080P"},
    {"1080P", "1080P"},
    {"1080", "1080P"},
    {"720", "720P"},
    {"2160", "2160P"},
    {"4K", "2160P"},
    {"4k UHD", "2160P"},
    {"Ultra HD 4K", "2160P"},
    {"UHD", "2160P"},
    {"Full HD 1080p", "1080P"},
    {"HD 720p", "720P"},
    {"720p (HD)", "720P"},
    {"1080p WEB-DL", "1080P"},
    {"BluRay 1080p", "1080P"},
    {"WEB 2160p HDR10", "2160P"},
    {"DVD", "480P"},
    {"480", "480P"},
    {"576", "576P"},
    {"1440", "1440P"},
    {"2K QHD", "1440P"},
    {"  1080p  ", "1080P"},
    {"UNKNOWN", "UNKNOWN"},
    {"", "UNKNOWN"},
    {"   ", "UNKNOWN"},
    {"BluRay", "UNKNOWN"},
    {"WEB-DL", "UNKNOWN"},
    {"Director's Cut", "UNKNOWN"},
    {"999", "UNKNOWN"},
    {"1080 Days", "UNKNOWN"},
    // URLs: the path and query decide, never the host.
    {"https://cdn.example.com/movies/The.Matrix.1999.1080p.BluRay.x264.mkv", "1080P"},
    {"https://4k.example.com/movies/The.Matrix.1999.720p.mp4", "720P"},
    {"https://4k.example.com/movies/the-matrix.mp4", "UNKNOWN"},
    {"http://media.example.com/get?id=42&q=2160p", "2160P"},
    {"http://media.example.com/The%20Matrix%201999%201080p.mp4", "1080P"},
    {"http://media.example.com/files/720p/matrix.mp4", "720P"},
    {"http://media.example.com/files/x264/matrix.mp4", "UNKNOWN"},
    // Unicode titles around the tokens.
    {"Амели.2001.1080p.BluRay", "1080P"},
    {"千と千尋の神隠し.2001.2160p.UHD", "2160P"},
    {"Amélie [1080p] (2001)", "1080P"},
    {"Movie(720p)", "720P"},
    {"Movie_720p_", "720P"},
    {"[GRP] Anime - 01 [1080p].mkv", "1080P"},
    {"[GRP] Anime - 01 (BD 1920x1080 x265 FLAC).mkv", "1080P"},
};

// Scene-style names (title, year, resolution, source, codec, group), written out.
constexpr Case kReleaseNames[] = {
    {"Whiplash 1946 1080i BluRay x265-RARBG.mkv", "1080P"},
    {"Brazil.1954.2160p.WEB-DL.XviD-DON.mp4", "2160P"},
    {"Spirited.Away.1997.1080i.BluRay.DTS-HD.MA.5.1.AVC-RARBG.mkv", "1080P"},
    {"Psycho_2001_1080i_BluRay_H.265-GECKOS.mp4", "1080P"},
    {"Drive_1980_720p_BluRay_REMUX_x265-FLUX.mp4", "720P"},
    {"Amelie_2001_2160P_HDTV_AVC-RARBG.mkv", "2160P"},
    {"Psycho 1934 2160P HDTV 10bit.x265-DON.avi", "2160P"},
    {"Rocky_1985_1440p_BDRip_H.265-NTb.mp4", "1440P"},
    {"Spirited_Away_2000_576p_BluRay_REMUX_10bit.x265-CMRG.avi", "576P"},
    {"Drive.2004.1080p.WEB-DL.DDP5.1.H.264-DON", "1080P"},
    {"Heat_1989_1080i_BluRay_TrueHD.7.1.Atmos.x265-YIFY", "1080P"},
    {"Coco.2015.1440p.DSNP.WEBRip.10bit.x265-AMIABLE.mkv", "1440P"},
    {"Her_1987_720P_WEB-DL_x264-FLUX.avi", "720P"},
    {"Drive 2018 1080i AMZN WEB-DL x264-AMIABLE.mp4", "1080P"},
    {"Akira.1941.576i.BluRay.H.265-FLUX.mp4", "576P"},
    {"Logan 1977 576i WEB-DL H.264-AMIABLE", "576P"},
    {"Pulp Fiction 1982 480i BDRip AAC2.0.H.264-DON.avi", "480P"},
    {"Oldboy_1946_1080p_WEBRip_H.264-EVO.mp4", "1080P"},
    {"The.Matrix.1989.2160P.WEBRip.HEVC-FLUX.mp4", "2160P"},
    {"Soul.1995.1440p.DSNP.WEBRip.DTS-HD.MA.5.1.AVC-CMRG.mkv", "1440P"},
    {"Jaws 2014 480i NF WEB-DL XviD-KOGi.mkv", "480P"},
    {"The.Thing.2008.1080i.BluRay.H.265-YIFY.avi", "1080P"},
    {"Alien.1941.1440p.DSNP.WEBRip.x264-RARBG.mp4", "1440P"},
    {"Casablanca.1939.1440p.DSNP.WEBRip.x264-YIFY.avi", "1440P"},
    {"Heat 2008 576p AMZN WEB-DL DTS-HD.MA.5.1.AVC-ION10.mkv", "576P"},
    {"The.Godfather.1989.576i.UHD.BluRay.10bit.x265-FLUX.mp4", "576P"},
    {"Amelie_2022_1440p_BDRip_10bit.x265-NTb.mkv", "1440P"},
    {"Interstellar_1994_1440p_WEBRip_AAC2.0.H.264-SPARKS", "1440P"},
    {"Spirited Away 2016 576p BluRay REMUX AVC-NTb.mp4", "576P"},
    {"Casablanca_1996_480i_AMZN_WEB-DL_TrueHD.7.1.Atmos.x265-EVO.mp4", "480P"},
    {"Seven Samurai 1978 720P HDTV H.265-HONE", "720P"},
    {"Inception_1930_576p_UHD_BluRay_HEVC-CtrlHD", "576P"},
    {"Us.2019.1440p.AMZN.WEB-DL.x265-EVO.mp4", "1440P"},
    {"The Thing 1952 1440p HDTV 10bit.x265-SPARKS", "1440P"},
    {"Spirited Away 2011 1080p NF WEB-DL AAC2.0.H.264-CtrlHD.mp4", "1080P"},
    {"Nope 2008 1440p WEB-DL AAC2.0.H.264-KOGi.avi", "1440P"},
    {"Spirited.Away.2019.720p.WEBRip.H.264-SPARKS.avi", "720P"},
    {"Heat.2005.2160P.UHD.BluRay.TrueHD.7.1.Atmos.x265-ION10.mp4", "2160P"},
    {"Inception 1928 720P WEB-DL DDP5.1.H.264-FGT.mp4", "720P"},
    {"Interstellar.1930.576p.HDTV.HEVC-HONE", "576P"},
    {"Up 1996 1080i WEBRip x264-ION10.avi", "1080P"},
    {"Brazil.1943.480i.WEBRip.DDP5.1.H.264-HONE.avi", "480P"},
    {"Arrival 2004 2160p WEBRip H.264-FGT.mkv", "2160P"},
    {"Vertigo.1934.1440p.BluRay.REMUX.DDP5.1.H.264-PSA.mkv", "1440P"},
    {"Seven Samurai 1951 576p BluRay x265-HONE.mkv", "576P"},
    {"Parasite.1983.1440p.DSNP.WEBRip.DDP5.1.H.264-HONE", "1440P"},
    {"Us_1992_480i_UHD_BluRay_DDP5.1.H.264-EVO", "480P"},
    {"Vertigo 1952 576i WEBRip XviD-RARBG.avi", "576P"},
    {"Whiplash.1936.1080P.HDTV.XviD-YIFY", "1080P"},
    {"The.Godfather.1946.720P.AMZN.WEB-DL.H.264-TEPES.avi", "720P"},
    {"Oldboy_2022_1080p_NF_WEB-DL_10bit.x265-NTb.mp4", "1080P"},
    {"Alien 2017 1080i BluRay REMUX XviD-CMRG.mp4", "1080P"},
    {"Roma_1967_1080p_AMZN_WEB-DL_x264-CMRG.avi", "1080P"},
    {"Us_2017_2160p_NF_WEB-DL_AVC-HONE", "2160P"},
    {"Brazil 1935 1080p HDTV x265-YIFY", "1080P"},
    {"Blade Runner 2049 1950 576p WEBRip XviD-TEPES.mp4", "576P"},
    {"Casablanca.1992.2160P.UHD.BluRay.AAC2.0.H.264-CMRG", "2160P"},
    {"Mad.Max.Fury.Road.2015.720p.NF.WEB-DL.x265-TEPES.mkv", "720P"},
    {"Up.1937.2160P.HDTV.x265-TEPES.avi", "2160P"},
    {"The.Matrix.1970.480i.NF.WEB-DL.HEVC-FGT.mp4", "480P"},
    {"The Godfather 1947 576p BluRay H.264-CtrlHD", "576P"},
    {"Metropolis 1953 576p UHD BluRay DDP5.1.H.264-NTb", "576P"},
    {"Inception_1959_2160p_BluRay_x264-HONE.mp4", "2160P"},
    {"Brazil_1987_480p_UHD_BluRay_x265-DON.avi", "480P"},
    {"Casablanca.1977.480i.BDRip.AAC2.0.H.264-CtrlHD", "480P"},
    {"Dune.2017.720P.WEBRip.XviD-ION10.mp4", "720P"},
    {"The.Matrix.1936.1080P.BDRip.XviD-NTb.mkv", "1080P"},
    {"Joker_1991_1080P_BDRip_DTS-HD.MA.5.1.AVC-EVO", "1080P"},
    {"Blade.Runner.2049.1985.720p.WEBRip.HEVC-AMIABLE", "720P"},
    {"Tenet 1969 480i AMZN WEB-DL H.265-GECKOS.mp4", "480P"},
    {"Roma 1950 2160p AMZN WEB-DL XviD-YIFY", "2160P"},
    {"Brazil.2010.480p.HDTV.DDP5.1.H.264-SPARKS", "480P"},
    {"Spirited.Away.1945.1080i.DSNP.WEBRip.x264-KOGi", "1080P"},
    {"Gravity.2007.480p.WEB-DL.DTS-HD.MA.5.1.AVC-HONE.avi", "480P"},
    {"Whiplash.2019.576i.WEBRip.HEVC-FGT.avi", "576P"},
    {"Brazil_1944_480i_BluRay_REMUX_DTS-HD.MA.5.1.AVC-SPARKS.mp4", "480P"},
    {"Spirited.Away.1930.2160p.WEBRip.TrueHD.7.1.Atmos.x265-ION10.avi", "2160P"},
    {"Us 1998 2160p BluRay TrueHD.7.1.Atmos.x265-EVO", "2160P"},
    {"The_Matrix_1985_1080p_BluRay_REMUX_DDP5.1.H.264-YIFY.mkv", "1080P"},
    {"The.Thing.1959.1080p.BDRip.H.265-CtrlHD.avi", "1080P"},
    {"Fargo.1975.1080p.UHD.BluRay.TrueHD.7.1.Atmos.x265-FLUX.mp4", "1080P"},
    {"Parasite_2003_720p_AMZN_WEB-DL_HEVC-FLUX.mp4", "720P"},
    {"The_Matrix_1988_2160p_UHD_BluRay_HEVC-RARBG.mp4", "2160P"},
    {"Fargo 1964 720P BluRay REMUX HEVC-AMIABLE.avi", "720P"},
    {"The.Godfather.1997.480p.BDRip.x265-PSA", "480P"},
    {"Jaws.1936.480i.UHD.BluRay.HEVC-KOGi.mp4", "480P"},
    {"Parasite 2001 1080p WEBRip AAC2.0.H.264-HONE", "1080P"},
    {"Pulp_Fiction_2004_1080P_BluRay_REMUX_HEVC-RARBG", "1080P"},
    {"Oldboy.1990.576i.NF.WEB-DL.x264-NTb.avi", "576P"},
    {"Us 1978 576p WEBRip XviD-ION10", "576P"},
    {"The.Godfather.1969.2160p.AMZN.WEB-DL.AVC-KOGi.mp4", "2160P"},
    {"The Matrix 2021 576p BDRip AVC-YIFY.avi", "576P"},
    {"Rocky 1936 1440p NF WEB-DL HEVC-GECKOS.mkv", "1440P"},
    {"Mad Max Fury Road 2011 576p WEBRip H.265-TEPES", "576P"},
    {"Dune_1974_1080i_BluRay_TrueHD.7.1.Atmos.x265-KOGi.mp4", "1080P"},
    {"Spirited_Away_1933_720P_NF_WEB-DL_10bit.x265-FGT", "720P"},
    {"Fargo 1933 480i WEBRip H.264-PSA", "480P"},
    {"Drive 1965 576p BDRip XviD-EVO.avi", "576P"},
    {"Vertigo.2012.1080i.WEB-DL.H.264-NTb.mp4", "1080P"},
    {"Brazil 1990 480i HDTV 10bit.x265-CMRG.avi", "480P"},
    {"Pulp Fiction 1997 480p HDTV x265-NTb.mkv", "480P"},
    {"Whiplash.1957.1440p.BDRip.DTS-HD.MA.5.1.AVC-CtrlHD.avi", "1440P"},
    {"Joker 1979 720P BluRay REMUX H.265-KOGi", "720P"},
    {"Mad_Max_Fury_Road_1990_576p_DSNP_WEBRip_AVC-FGT.mp4", "576P"},
    {"Spirited Away 1961 480p NF WEB-DL XviD-AMIABLE", "480P"},
    {"Inception_1943_2160p_NF_WEB-DL_AAC2.0.H.264-PSA.avi", "2160P"},
    {"The.Matrix.1936.1080i.BluRay.REMUX.10bit.x265-AMIABLE.mkv", "1080P"},
    {"Oldboy_1946_720p_BluRay_REMUX_TrueHD.7.1.Atmos.x265-RARBG.avi", "720P"},
    {"Spirited_Away_1997_2160p_BluRay_H.264-EVO.mkv", "2160P"},
    {"Gravity_1943_1080P_BDRip_DDP5.1.H.264-DON.mkv", "1080P"},
    {"Amelie 1936 576p BluRay REMUX DTS-HD.MA.5.1.AVC-CtrlHD", "576P"},
    {"Oldboy 2003 2160p BluRay DDP5.1.H.264-FLUX", "2160P"},
    {"Whiplash_2009_480p_UHD_BluRay_DDP5.1.H.264-EVO.mp4", "480P"},
    {"Inception.1979.720P.BDRip.x264-SPARKS.avi", "720P"},
    {"Soul 1937 576p HDTV TrueHD.7.1.Atmos.x265-DON.mp4", "576P"},
    {"Fargo 1931 720P AMZN WEB-DL AAC2.0.H.264-DON.avi", "720P"},
    {"Dune 1927 576p BluRay REMUX x265-CtrlHD.mp4", "576P"},
    {"Gravity 1951 480p UHD BluRay H.265-TEPES.mkv", "480P"},
    {"Akira 1990 2160P WEBRip H.265-PSA.mkv", "2160P"},
    {"Ran_1945_1080i_BluRay_H.265-SPARKS.mp4", "1080P"},
    {"Soul 1933 720P BluRay H.264-KOGi", "720P"},
    {"The_Godfather_1937_720p_AMZN_WEB-DL_H.265-NTb.avi", "720P"},
    {"Blade Runner 2049 1966 1080P NF WEB-DL AVC-CMRG.mp4", "1080P"},
    {"Amelie 1927 1080p BDRip x265-ION10.mkv", "1080P"},
    {"Vertigo.1953.1080i.AMZN.WEB-DL.HEVC-DON.mkv", "1080P"},
    {"The Thing 1952 1440p BluRay REMUX 10bit.x265-CtrlHD", "1440P"},
    {"The.Thing.1930.1080P.NF.WEB-DL.H.265-KOGi.avi", "1080P"},
    {"Blade_Runner_2049_1986_1080p_BluRay_HEVC-CtrlHD.mkv", "1080P"},
    {"Ran 1970 1440p BDRip AVC-GECKOS", "1440P"},
    {"Her.1965.2160p.DSNP.WEBRip.TrueHD.7.1.Atmos.x265-YIFY.mp4", "2160P"},
    {"Amelie 1987 720P UHD BluRay XviD-TEPES.avi", "720P"},
    {"Pulp_Fiction_1990_720p_BluRay_AAC2.0.H.264-FLUX.mp4", "720P"},
    {"Ran_1957_1440p_AMZN_WEB-DL_10bit.x265-ION10.mkv", "1440P"},
    {"Brazil.1952.1080i.WEBRip.H.265-DON.mkv", "1080P"},
    {"The.Thing.1997.480i.AMZN.WEB-DL.H.264-DON.mkv", "480P"},
    {"Up 2006 1080p HDTV x265-DON.avi", "1080P"},
    {"Arrival_1956_720p_NF_WEB-DL_10bit.x265-EVO.mkv", "720P"},
    {"Drive 1964 576p DSNP WEBRip HEVC-ION10", "576P"},
    {"Dune.1983.480p.WEBRip.H.265-EVO", "480P"},
    {"Rocky.1951.1440p.WEB-DL.XviD-TEPES.mp4", "1440P"},
    {"Amelie 2010 576i BluRay x265-SPARKS.mp4", "576P"},
    {"Us.1974.2160p.BDRip.H.265-RARBG.mp4", "2160P"},
    {"Ran.2001.480p.WEB-DL.AVC-HONE.avi", "480P"},
    {"Ran.1960.1080P.BluRay.x265-ION10.mkv", "1080P"},
    {"Tenet.1970.720p.BluRay.H.265-TEPES.mp4", "720P"},
    {"The.Matrix.1968.1080i.AMZN.WEB-DL.H.264-FLUX.mp4", "1080P"},
    {"Blade.Runner.2049.1990.480i.UHD.BluRay.x265-DON.avi", "480P"},
    {"Vertigo 1946 1080P BluRay REMUX x265-NTb", "1080P"},
    {"Soul 1963 1080P BDRip XviD-GECKOS", "1080P"},
    {"Soul 1980 2160p AMZN WEB-DL TrueHD.7.1.Atmos.x265-CtrlHD.avi", "2160P"},
    {"Interstellar.1927.1080i.WEBRip.XviD-RARBG.avi", "1080P"},
    {"Psycho.1973.576i.WEBRip.H.264-SPARKS.mp4", "576P"},
    {"Logan.1938.2160P.DSNP.WEBRip.AVC-HONE.mp4", "2160P"},
    {"Roma.1963.720p.BluRay.REMUX.H.264-YIFY.avi", "720P"},
    {"Fargo 2023 480p BDRip H.264-GECKOS", "480P"},
    {"Mad_Max_Fury_Road_2004_1080P_NF_WEB-DL_x265-NTb.mp4", "1080P"},
    {"Akira_1978_2160P_HDTV_10bit.x265-NTb.mp4", "2160P"},
    {"Blade.Runner.2049.1978.480i.WEBRip.XviD-ION10.mp4", "480P"},
    {"Seven_Samurai_2019_480p_BluRay_DDP5.1.H.264-GECKOS", "480P"},
    {"The_Godfather_1976_2160P_UHD_BluRay_DDP5.1.H.264-FLUX.avi", "2160P"},
    {"Gravity 2001 480p NF WEB-DL XviD-ION10.avi", "480P"},
    {"Arrival.1929.2160p.DSNP.WEBRip.10bit.x265-AMIABLE.avi", "2160P"},
    {"Akira.1985.720p.UHD.BluRay.XviD-RARBG.mp4", "720P"},
    {"Roma_1982_1440p_WEB-DL_10bit.x265-HONE.mkv", "1440P"},
    {"Blade_Runner_2049_2008_720p_WEB-DL_AAC2.0.H.264-CMRG.mkv", "720P"},
    {"Mad.Max.Fury.Road.2023.480i.NF.WEB-DL.TrueHD.7.1.Atmos.x265-FGT.mkv", "480P"},
    {"Akira 2020 720P WEB-DL H.265-FGT", "720P"},
    {"Alien_2014_720P_HDTV_x265-ION10", "720P"},
    {"Alien 1968 2160P BDRip 10bit.x265-FGT.avi", "2160P"},
    {"Interstellar 2002 576p DSNP WEBRip DDP5.1.H.264-EVO", "576P"},
    {"Breaking.Bad.S04E06.1080i.WEBRip.TrueHD.7.1.Atmos.x265-TEPES.mkv", "1080P"},
    {"The.Office.US.S07E06.576p.WEB-DL.DDP5.1.H.264-GECKOS.mkv", "576P"},
    {"The.Office.US.S08E18.480i.DSNP.WEBRip.AAC2.0.H.264-RARBG.mkv", "480P"},
    {"Severance.S09E21.1080i.AMZN.WEB-DL.HEVC-KOGi.mkv", "1080P"},
    {"The.Office.US.S03E12.1440p.WEB-DL.10bit.x265-EVO.mkv", "1440P"},
    {"Dark.S01E10.480i.BDRip.HEVC-CMRG.mkv", "480P"},
    {"Breaking.Bad.S01E08.720p.BDRip.DTS-HD.MA.5.1.AVC-DON.mkv", "720P"},
    {"Succession.S09E12.2160p.WEBRip.10bit.x265-EVO.mkv", "2160P"},
    {"Mr.Robot.S01E01.2160p.BluRay.DTS-HD.MA.5.1.AVC-ION10.mkv", "2160P"},
    {"Severance.S02E17.1440p.BluRay.REMUX.H.265-DON.mkv", "1440P"},
    {"Mr.Robot.S05E19.720p.HDTV.AVC-PSA.mkv", "720P"},
    {"Dark.S03E01.480p.WEBRip.10bit.x265-RARBG.mkv", "480P"},
    {"The.Wire.S03E22.576p.NF.WEB-DL.HEVC-SPARKS.mkv", "576P"},
    {"Breaking.Bad.S09E12.2160P.DSNP.WEBRip.10bit.x265-HONE.mkv", "2160P"},
    {"Fleabag.S04E06.2160p.BluRay.x264-SPARKS.mkv", "2160P"},
    {"Succession.S03E08.720p.BluRay.x265-SPARKS.mkv", "720P"},
    {"Mr.Robot.S09E22.480p.WEBRip.XviD-CtrlHD.mkv", "480P"},
    {"Sherlock.S09E21.1080P.NF.WEB-DL.DTS-HD.MA.5.1.AVC-NTb.mkv", "1080P"},
    {"Sherlock.S05E03.576p.BluRay.AAC2.0.H.264-PSA.mkv", "576P"},
    {"Sherlock.S01E13.1080i.UHD.BluRay.x265-AMIABLE.mkv", "1080P"},
    {"Dark.S04E04.576p.HDTV.TrueHD.7.1.Atmos.x265-GECKOS.mkv", "576P"},
    {"The.Wire.S06E24.720P.BDRip.AAC2.0.H.264-GECKOS.mkv", "720P"},
    {"Severance.S09E22.1080i.BluRay.REMUX.HEVC-FLUX.mkv", "1080P"},
    {"Chernobyl.S02E17.2160p.WEBRip.HEVC-EVO.mkv", "2160P"},
    {"Chernobyl.S03E24.1440p.HDTV.XviD-CMRG.mkv", "1440P"},
    {"Mr.Robot.S04E13.1080P.BluRay.REMUX.10bit.x265-PSA.mkv", "1080P"},
    {"Sherlock.S01E01.1080i.HDTV.DTS-HD.MA.5.1.AVC-FLUX.mkv", "1080P"},
    {"Chernobyl.S07E20.2160P.WEB-DL.DTS-HD.MA.5.1.AVC-NTb.mkv", "2160P"},
    {"Dark.S01E01.1080p.WEB-DL.DTS-HD.MA.5.1.AVC-NTb.mkv", "1080P"},
    {"The.Office.US.S03E23.2160p.BluRay.x264-FGT.mkv", "2160P"},
    {"Breaking.Bad.S02E24.2160p.WEB-DL.DTS-HD.MA.5.1.AVC-ION10.mkv", "2160P"},
    {"Chernobyl.S09E22.1080p.NF.WEB-DL.x265-EVO.mkv", "1080P"},
    {"Chernobyl.S04E04.2160p.BluRay.TrueHD.7.1.Atmos.x265-YIFY.mkv", "2160P"},
    {"Severance.S08E04.720p.WEB-DL.TrueHD.7.1.Atmos.x265-CtrlHD.mkv", "720P"},
    {"Severance.S06E11.1080i.BDRip.x264-ION10.mkv", "1080P"},
    {"Severance.S05E02.720P.AMZN.WEB-DL.AVC-HONE.mkv", "720P"},
    {"Fleabag.S05E20.720P.BluRay.XviD-SPARKS.mkv", "720P"},
    {"Succession.S09E04.1440p.UHD.BluRay.AAC2.0.H.264-GECKOS.mkv", "1440P"},
    {"Sherlock.S04E23.1080p.DSNP.WEBRip.HEVC-NTb.mkv", "1080P"},
    {"Succession.S01E17.480p.BDRip.x264-SPARKS.mkv", "480P"},
    {"The.Office.US.S08E04.576i.WEBRip.10bit.x265-ION10.mkv", "576P"},
    {"Sherlock.S05E19.720p.BDRip.H.265-EVO.mkv", "720P"},
    {"Fleabag.S03E04.1080P.WEB-DL.10bit.x265-RARBG.mkv", "1080P"},
    {"The.Office.US.S06E04.1080i.NF.WEB-DL.AAC2.0.H.264-YIFY.mkv", "1080P"},
    {"Succession.S01E12.480p.BDRip.HEVC-DON.mkv", "480P"},
    {"Sherlock.S09E06.1080i.HDTV.10bit.x265-FGT.mkv", "1080P"},
    {"Sherlock.S01E12.2160P.AMZN.WEB-DL.DDP5.1.H.264-FGT.mkv", "2160P"},
    {"Fleabag.S09E24.1440p.WEBRip.10bit.x265-AMIABLE.mkv", "1440P"},
    {"Severance.S04E05.1440p.UHD.BluRay.TrueHD.7.1.Atmos.x265-EVO.mkv", "1440P"},
    {"Sherlock.S04E09.576p.DSNP.WEBRip.H.264-FGT.mkv", "576P"},
    {"Chernobyl.S06E20.480i.AMZN.WEB-DL.H.264-EVO.mkv", "480P"},
    {"The.Office.US.S04E09.720P.WEB-DL.H.264-RARBG.mkv", "720P"},
    {"Chernobyl.S07E05.720p.BDRip.AAC2.0.H.264-FLUX.mkv", "720P"},
    {"Succession.S05E07.1080p.WEB-DL.HEVC-CtrlHD.mkv", "1080P"},
    {"Succession.S08E02.2160p.NF.WEB-DL.XviD-EVO.mkv", "2160P"},
    {"Sherlock.S05E15.2160p.WEBRip.HEVC-KOGi.mkv", "2160P"},
    {"Breaking.Bad.S04E14.720P.DSNP.WEBRip.DTS-HD.MA.5.1.AVC-DON.mkv", "720P"},
    {"Chernobyl.S04E22.720p.WEB-DL.10bit.x265-DON.mkv", "720P"},
    {"The.Office.US.S05E21.720P.WEB-DL.XviD-EVO.mkv", "720P"},
    {"Succession.S03E09.1080i.UHD.BluRay.10bit.x265-SPARKS.mkv", "1080P"},
};

// Real release names from the public test fixtures of Radarr, Sonarr and guessit, grouped by
// the family of clue that decides them (issue 18: the families our first table missed).
constexpr Case kFixtureNames[] = {
    // SD implied by the codec when no resolution is written.
    {"Nikita S02E01 HDTV XviD 2HD", "480P"},
    {"Gossip Girl S05E11 PROPER HDTV XviD 2HD", "480P"},
    {"Chuck.S04E05.HDTV.XviD-LOL", "480P"},
    {"Sonny.With.a.Chance.S02E15.xvid", "480P"},
    {"Sonny.With.a.Chance.S02E15.divx", "480P"},
    {"Degrassi.S10E27.WS.DSR.XviD-2HD", "480P"},
    {"Muppet.Babies.S03.TVRip.XviD-NOGRP", "480P"},
    {"the.shield.1x13.circles.ws.xvidvd-tns", "480P"},
    {"WEEDS.S03E01-06.DUAL.BDRip.XviD.AC3.-HELLYWOOD", "480P"},
    {"WEEDS.S03E01-06.DUAL.XviD.Bluray.AC3.-HELLYWOOD.avi", "480P"},
    // DVD, DVD5/DVD9, PAL/NTSC, DVDR/MDVDR, SDTV.
    {"The.Shield.S01E13.NTSC.x264-CtrlSD", "480P"},
    {"The.Girls.Next.Door.S03E06.DVDRip.XviD-WiDE", "480P"},
    {"The.Girls.Next.Door.S03E06.DVD.Rip.XviD-WiDE", "480P"},
    {"the_x-files.9x18.sunshine_days.ac3.ws_dvdrip_xvid-fov.avi", "480P"},
    {"[FroZen] Miyuki - 23 [DVD][7F6170E6]", "480P"},
    {"Movie.Title.2003.PAL.DVDR-GRP", "480P"},
    {"Movie.Title.2003.MDVDR-GRP", "480P"},
    {"Movie.Title.1998.NTSC.DVD9-GRP", "480P"},
    {"Movie.Title.1998.PAL.DVD5-GRP", "480P"},
    {"SD TV", "480P"},
    {"My series S01E01 SD-DVD", "480P"},
    // Group or service tags ending in "SD".
    {"The.Shield.S01E13.x264-CtrlSD", "480P"},
    {"Series.Title.S13E11.Ausgebacken.German.AmazonSD.h264-4SF", "480P"},
    {"Elementary.S01E10.The.Leviathan.480p.WEB-DL.x264-mSD", "480P"},
    {"Hannibal.S01E05.576p.BluRay.DD5.1.x264-HiSD", "576P"},
    {"Da.Vincis.Demons.S02E04.720p.WEB.DL.nSD.x264-NhaNc3", "720P"},
    // HDTV without an SD codec stays HD; "HR" PDTV is the 720p capture.
    {"Dexter - S01E01 - Title [HDTV]", "720P"},
    {"Chuck - S22E03 - MoneyBART - HD TV.mkv", "720P"},
    {"Hells.Kitchen.US.S12E17.HR.WS.PDTV.X264-DIMENSION", "720P"},
    {"Survivorman.The.Lost.Pilots.Summer.HR.WS.PDTV.x264-DHD", "720P"},
    {"White.Van.Man.2011.S02E01.WS.PDTV.x264-TLA", "480P"},
    // Resolutions glued to source words inside brackets.
    {"Revolution.S01E02.Chained.Heat.[Bluray720p].mkv", "720P"},
    {"Revolution.S01E02.Chained.Heat.[Bluray1080p].mkv", "1080P"},
    {"[coldhell] Pupa v3 [BD720p][03192D4C]", "720P"},
    {"[coldhell] Pupa v2 [BD1080p][5A45EABE].mkv", "1080P"},
    {"[FFF] DATE A LIVE - 01 [BD][720p-AAC][0601BED4]", "720P"},
    {"[Elysium]Lucky.Star.01(BD.720p.AAC.DA)[0BB96AD8].mkv", "720P"},
    {"[SuperGroup].Show.Name.-.06.[720.Hi10p][1F5578AC]", "720P"},
    {"[Eveyuu] No Game No Life - 10 [Hi10P 1280x720 H264][10B23BD8]", "720P"},
    // Width by height with other separators.
    {"[Doki] Mahouka Koukou no Rettousei - 07 (1280x720 Hi10P AAC) [80AF7DDE]", "720P"},
    {"Pokémon S16 - E29 - 1280*720 HDTV VF.mkv", "720P"},
    {"Show Name 445 VOSTFR par Fansub-Resistance (1280*720) - version MQ", "720P"},
    {"Movie Title 2012 (1920 x 1080)", "1080P"},
    {"Movie Title 2012 1920×1080 BluRay", "1080P"},
    {"[Hatsuyuki] Naruto Shippuuden - 363 [848x480][ADE35E38]", "480P"},
    {"[Doki] Clannad - 02 (848x480 XviD BD MP3) [95360783]", "480P"},
    {"[Coalgirls]_Durarara!!_01_(1920x1080_Blu-ray_FLAC)_[8370CB8F].mkv", "1080P"},
    // A bare 720 or 1080 next to a source or codec word.
    {"Steig Larsson Millenium Trilogy (2009) BRrip 720 AAC x264/(1)The Girl With The Dragon Tattoo (2009) "
     "BRrip 720 AAC x264.mkv",
     "720P"},
    {"Delibal 2015 720p Upscale DVDRip x264 DD5.1 AC3", "720P"},
    {"Movie Title 2010 BluRay 1080 x264", "1080P"},
    {"Movie Title 2010 1080 x264 DTS", "1080P"},
    {"1080.Days.2019.HDTV.x264", "720P"},
    // "Upscaled to" forms: the last resolution is the file's.
    {"Series.Title.2019.S02E07.Chapter.15.The.Believer.4Kto1080p.DSNYP.Webrip.x265.10bit.EAC3.5.1.Atmos."
     "GokiTAoE",
     "1080P"},
    {"Movie.Title.2019.720p.Upscaled.To.1080p.x264", "1080P"},
    {"Movie.Title.2019.1080p.to.2160p.AI.Upscale", "2160P"},
    // Others from the same fixtures.
    {"Played.S01E08.Pro.Gamer.1440p.BKPL.WEB-DL.H.264-LiGHT", "1440P"},
    {"Series.Title.S04E13.960p.WEB-DL.AAC2.0.H.264-squalor", "720P"},
    {"My Title - S01E01 - EpTitle [HEVC-4k DTSHD-MA-6ch]", "2160P"},
    {"Sword Art Online Alicization 04 vostfr FHD", "1080P"},
    {"Spirited Away(2001) Bluray FHD Hi10P.mkv", "1080P"},
    {"House.of.Cards.US.s05e13.UHD.4K.WEB.DL", "2160P"},
    {"Presunto culpable 1x02 Culpabilidad [HDTV 1080i AVC MP2 2.0 Sub][GrupoHDS]", "1080P"},
    {"Sonny.With.a.Chance.S02E15", "UNKNOWN"},
    {"Law & Order: Special Victims Unit - 11x11 - Quickie", "UNKNOWN"},
    {"Droned.S01E01.The.Web.MT-dd", "UNKNOWN"},
};

void expect_table(const Case* begin, const Case* end) {
  for (const Case* c = begin; c != end; ++c)
    EXPECT_EQ(quality_label(infer_quality(c->hint)), c->expected) << "hint: \"" << c->hint << "\"";
}

TEST(QualityRules, Traps) { expect_table(std::begin(kTraps), std::end(kTraps)); }

TEST(QualityRules, ReleaseNames) { expect_table(std::begin(kReleaseNames), std::end(kReleaseNames)); }

TEST(QualityRules, FixtureFamilies) { expect_table(std::begin(kFixtureNames), std::end(kFixtureNames)); }

TEST(QualityRules, ExplicitFieldBeatsLabelBeatsUrl) {
  auto q = infer_source_quality("720p", "1080p WEB-DL", "http://h/Movie.2160p.mkv");
  EXPECT_EQ(q.quality, Quality::Q720P);
  EXPECT_EQ(q.from, QualityFrom::Explicit);
  q = infer_source_quality(std::nullopt, "1080p WEB-DL", "http://h/Movie.2160p.mkv");
  EXPECT_EQ(q.quality, Quality::Q1080P);
  EXPECT_EQ(q.from, QualityFrom::Label);
  q = infer_source_quality(std::nullopt, std::nullopt, "http://h/Movie.2160p.mkv");
  EXPECT_EQ(q.quality, Quality::Q2160P);
  EXPECT_EQ(q.from, QualityFrom::Url);
  q = infer_source_quality(std::nullopt, std::nullopt, "http://h/movie.mkv");
  EXPECT_EQ(q.quality, Quality::Unknown);
  EXPECT_EQ(q.from, QualityFrom::None);
}

TEST(QualityRules, UnusableExplicitFieldFallsThroughToLabel) {
  auto q = infer_source_quality("best", "720p", "http://h/m.mkv");
  EXPECT_EQ(q.quality, Quality::Q720P);
  EXPECT_EQ(q.from, QualityFrom::Label);
  q = infer_source_quality("", "BluRay", "http://h/m.1080p.mkv");
  EXPECT_EQ(q.from, QualityFrom::Url);
}

TEST(QualityRules, EveryRuleIsNamedAndTiered) {
  auto table = quality_rule_table();
  ASSERT_FALSE(table.empty());
  for (const auto& r : table) {
    EXPECT_FALSE(r.name.empty());
    EXPECT_GE(r.tier, 1);
    EXPECT_LE(r.tier, 4);
  }
  auto m = match_quality_rules("Movie.2019.4K.HDR");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->rule, "word-4k");
}

TEST(QualityRules, GarbageIsSafe) {
  std::string junk;
  for (int i = 0; i < 5000; ++i) junk.push_back(static_cast<char>(i * 131));
  EXPECT_NO_THROW(infer_quality(junk));
  EXPECT_EQ(quality_label(infer_quality(std::string(100000, '9'))), "UNKNOWN");
  EXPECT_EQ(quality_label(infer_quality(std::string(100000, 'x'))), "UNKNOWN");
}

}  // namespace
}  // namespace cmup
